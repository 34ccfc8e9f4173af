// Render every Vega-Lite spec on the page (and in content htmx swaps in), and send the CSRF
// token with htmx requests. No inline scripts: specs sit in <script type="application/json">.
(function () {
  "use strict";

  function render(root) {
    var selector = "div.vega:not([data-rendered])";
    var found = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) found.unshift(root);  // htmx loads the element itself
    found.forEach(function (element) {
      var source = element.querySelector("script[type='application/json']");
      if (!source) return;
      element.setAttribute("data-rendered", "pending");
      var spec = JSON.parse(source.textContent);
      // ast: Vega evaluates expressions with its interpreter (bundled in vega-embed), not
      // with Function, so the page's CSP needs no 'unsafe-eval'
      window.vegaEmbed(element, spec, { actions: false, renderer: "svg", ast: true })
        .then(function () { element.setAttribute("data-rendered", "yes"); })
        .catch(function (error) {
          element.setAttribute("data-rendered", "failed");
          console.error("chart failed", error);
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var token = document.querySelector("meta[name='csrf-token']");
    document.body.addEventListener("htmx:configRequest", function (event) {
      if (token) event.detail.headers["X-CSRF-Token"] = token.content;
    });
    if (window.htmx) {
      window.htmx.onLoad(render);
    } else {
      render(document);
    }
  });
})();
