// Reload the page after data-after milliseconds (a report being computed). A file, not an
// inline script, for the Content-Security-Policy.
(function () {
  var after = Number(document.currentScript.getAttribute("data-after")) || 3000;
  setTimeout(function () { window.location.reload(); }, after);
})();
