/* Organisers' pages: a "Print the list" button (shown only when script runs; the browser's own
   Print does the same, with the print stylesheet in organiser.css). No inline script. */
(function () {
  "use strict";
  function start() {
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
