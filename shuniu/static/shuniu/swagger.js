// The API documents: Swagger UI (django-ninja's copy) started from the settings in the page's data-swagger
// attribute (no inline script: the CSP forbids it). Swagger UI draws a few controls without names and code
// boxes a keyboard cannot scroll; they are named and made focusable as they appear (WCAG 2.2 AA).
(function () {
  "use strict";
  var config = JSON.parse(document.body.getAttribute("data-swagger"));
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset];
  window.SwaggerUIBundle(config);
  function mend(root) {
    root.querySelectorAll(".copy-to-clipboard button:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", "复制");
    });
    root.querySelectorAll(".parameters-col_description select:not([aria-label])").forEach(function (select) {
      var row = select.closest("tr");
      var name = row && row.querySelector(".parameter__name");
      select.setAttribute("aria-label", name ? name.textContent.replace("*", "").trim() : "取值");
    });
    root.querySelectorAll(".microlight:not([tabindex]), .highlight-code pre:not([tabindex])").forEach(function (box) {
      box.setAttribute("tabindex", "0");
    });
  }
  new MutationObserver(function () { mend(document); }).observe(document.body, { childList: true, subtree: true });
  mend(document);
}());
