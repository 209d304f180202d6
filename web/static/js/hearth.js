// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move keyboard and screen-reader focus to a form's error summary so problems are heard first.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  // Buttons that ask before doing something that cannot be undone: data-confirm="Question?"
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
});
