// Event form: show the venue fields only when "Somewhere else" is chosen. Works without it too.
document.addEventListener("DOMContentLoaded", function () {
  var venue = document.querySelector(".venue-fields");
  var radios = document.querySelectorAll("input[name='where']");
  if (!venue || !radios.length) { return; }
  function update() {
    var elsewhere = document.querySelector("input[name='where'][value='elsewhere']");
    venue.hidden = !(elsewhere && elsewhere.checked);
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
});

// "Copy the address" buttons: copy a read-only field's text and say so. Without script the field
// can still be selected and copied by hand, so the button starts hidden.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var done = button.parentNode.querySelector(".copy-done");
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var said = function () { if (done) { done.textContent = "Copied. Now paste it into your calendar app."; } };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(said, function () { document.execCommand("copy"); said(); });
      } else {
        document.execCommand("copy");
        said();
      }
    });
  });
});
