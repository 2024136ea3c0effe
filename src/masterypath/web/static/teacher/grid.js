/* masterypath keyboard grid: arrow keys move between cells of any table marked data-grid;
   in a scoring grid, typing a level then Enter saves the cell through htmx and moves down,
   Esc restores the saved value, Ctrl+Z undoes the last save. No mouse needed. */
(function () {
  "use strict";

  function configure() {
    if (!window.htmx) { return; }
    // A refused score comes back as 422 with a message to show in place.
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true, error: false },
      { code: "[45]..", swap: false, error: true }
    ];
  }

  function cellOf(el) { return el.closest("td, th"); }

  function move(el, dRow, dCol) {
    var cell = cellOf(el);
    if (!cell) { return false; }
    var tr = cell.parentElement;
    var body = tr.parentElement;
    var rows = Array.prototype.slice.call(body.rows);
    var r = rows.indexOf(tr) + dRow;
    var c = Array.prototype.indexOf.call(tr.cells, cell) + dCol;
    if (r < 0 || r >= rows.length || c < 0 || c >= rows[r].cells.length) { return false; }
    var next = rows[r].cells[c].querySelector("[data-cell]");
    if (!next) { return false; }
    next.focus();
    if (next.select) { next.select(); }
    return true;
  }

  function save(input) {
    var value = input.value.trim();
    if (value === "" || value === input.dataset.saved || value === input.dataset.sent) {
      return;
    }
    input.dataset.sent = value;
    window.htmx.trigger(input, "mp-save");
  }

  function lastUndo() { return document.querySelector("#score-status button.undo"); }

  var KEYS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches("[data-grid] [data-cell]")) { return; }
    var isInput = el.tagName === "INPUT";
    if (KEYS[event.key] && !event.altKey && !event.ctrlKey && !event.metaKey) {
      var step = KEYS[event.key];
      if (move(el, step[0], step[1])) { event.preventDefault(); }
      return;
    }
    if (!isInput) { return; }
    if (event.key === "Enter") {
      event.preventDefault();
      save(el);
      move(el, 1, 0);
    } else if (event.key === "Escape") {
      el.value = el.dataset.saved || "";
      el.select();
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z") {
      var undo = lastUndo();
      if (undo && el.value.trim() === (el.dataset.saved || "")) {
        event.preventDefault();
        undo.click();
      }
    }
  });

  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-grid] input[data-cell]")) { el.select(); }
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-grid] input[data-cell]")) { save(el); }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var el = event.detail.elt;
    if (!el.matches || !el.matches("input[data-cell]")) { return; }
    var ok = event.detail.xhr && event.detail.xhr.status === 200;
    if (ok) {
      el.dataset.saved = el.dataset.sent || el.value.trim();
      el.removeAttribute("aria-invalid");
    } else {
      el.setAttribute("aria-invalid", "true");
    }
    delete el.dataset.sent;
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = document.getElementById("score-status");
    if (!status) { return; }
    var code = event.detail.xhr ? event.detail.xhr.status : 0;
    status.innerHTML = "";
    var message = document.createElement("span");
    message.className = "error";
    message.textContent = "Not saved (error " + code + "). Reload the page and try again.";
    status.appendChild(message);
  });

  document.addEventListener("htmx:sendError", function () {
    var status = document.getElementById("score-status");
    if (status) { status.textContent = "Not saved: the connection failed. Try again."; }
  });

  // After an undo, put the focus back in the cell it changed.
  var focusAfterUndo = null;
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.undo");
    if (button) { focusAfterUndo = button.dataset.undoCell; }
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!focusAfterUndo) { return; }
    var cell = document.getElementById(focusAfterUndo);
    var input = cell && cell.querySelector("input[data-cell]");
    if (input) {
      focusAfterUndo = null;
      input.focus();
      input.select();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", configure);
  } else {
    configure();
  }
}());
