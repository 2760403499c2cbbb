// Swagger UI (django-ninja's copy) draws a few controls without names and code boxes a keyboard cannot
// scroll; name them and make the boxes focusable as they appear, so the page meets WCAG 2.2 AA.
(function () {
  "use strict";
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
