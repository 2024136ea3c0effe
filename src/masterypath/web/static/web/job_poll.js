// The import page follows a running job: its progress box (data-poll) is fetched again every
// second, and the page reloads when the job ends. A file, not an inline script, for the CSP.
(function () {
  function poll() {
    var box = document.getElementById("progress");
    var url = box && box.getAttribute("data-poll");
    if (!url) { window.location.reload(); return; }
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.text(); }).then(function (html) {
      box.outerHTML = html;
      var next = document.getElementById("progress");
      if (next && next.getAttribute("data-poll")) { setTimeout(poll, 1000); } else { window.location.reload(); }
    });
  }
  setTimeout(poll, 1000);
})();
