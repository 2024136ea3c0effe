// Renders every chart of the page: the Vega-Lite spec sits in a JSON <script> named by the
// canvas's data-chart attribute. SVG output; expressions are interpreted (no eval), so the
// page needs no 'unsafe-eval'. The table beside each chart stays the accessible source.
(function () {
  "use strict";
  function render(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    window.vegaEmbed(canvas, spec, {
      renderer: "svg",
      actions: false,
      ast: true,
      expr: window.vegaInterpreter.expressionInterpreter,
    }).then(function () {
      canvas.setAttribute("data-rendered", "true");
    }).catch(function (error) {
      canvas.setAttribute("data-error", String(error));
      canvas.textContent = "";
    });
  }
  function renderAll() {
    document.querySelectorAll("[data-chart]").forEach(render);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
})();
