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
