// Small progressive enhancements; every page works without this file.
// Loaded without "defer" in <head>: this first line runs before the page is drawn, so styles that
// depend on JavaScript (the folded phone menu) apply from the first paint.
document.documentElement.classList.add("js");

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
  foldMenu();
  stackTables();
  countChoices();
});

// The main menu folds behind a "Menu" button on a narrow screen (CSS decides when; see layout.css).
function foldMenu() {
  var nav = document.querySelector(".site-nav");
  var button = nav && nav.querySelector(".menu-toggle");
  if (!button) { return; }
  function set(open) {
    nav.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  nav.classList.add("foldable");
  button.hidden = false;
  button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && nav.classList.contains("open")) { set(false); button.focus(); }
  });
  document.addEventListener("click", function (event) {
    if (nav.classList.contains("open") && !nav.contains(event.target)) { set(false); }
  });
}

// Tables become a card per row on a narrow screen: each cell gets its column's heading as
// data-label, and the table keeps explicit table roles, since a table styled as blocks may
// otherwise lose them for screen readers. Opt out with data-no-cards.
function stackTables() {
  document.querySelectorAll("main table:not(.slots):not([data-no-cards])").forEach(function (table) {
    var headers = [];
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) { return; }
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i++) { headers.push(cell.textContent.trim()); }
    });
    if (headers.length < 2) { return; }
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (group) {
      group.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var inHead = row.parentNode && row.parentNode.tagName === "THEAD";
        if (inHead) {
          cell.setAttribute("role", "columnheader");
        } else if (cell.tagName === "TH") {
          cell.setAttribute("role", "rowheader");
        } else {
          cell.setAttribute("role", "cell");
        }
        if (!inHead && cell.colSpan === 1 && headers[column] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", headers[column]);
        }
        column += cell.colSpan || 1;
      });
    });
    table.classList.add("stacked");
  });
}

// A folding group of choices says how many are ticked: <details class="choice-group"> with a
// <span class="chosen-count"> in its summary.
function countChoices() {
  document.querySelectorAll("details.choice-group").forEach(function (group) {
    var count = group.querySelector(".chosen-count");
    if (!count) { return; }
    group.addEventListener("change", function () {
      var n = group.querySelectorAll("input:checked").length;
      count.textContent = n ? "(" + n + " chosen)" : "";
    });
  });
}
