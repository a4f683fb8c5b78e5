/* Wide tables scroll sideways inside .table-responsive. A keyboard user must be able to focus the scrolling
   box to scroll it (WCAG 2.1.1), so every box that actually overflows becomes focusable, named after its
   table's caption; boxes that fit are left alone (no extra tab stops). */
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (box.hasAttribute("tabindex") && !box.hasAttribute("data-scroll-focus")) {
        return; // the template made it focusable itself
      }
      if (scrolls) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "");
        var caption = box.querySelector("caption");
        if (caption && !box.hasAttribute("aria-labelledby")) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", caption.textContent.trim());
        }
      } else if (box.hasAttribute("data-scroll-focus")) {
        ["tabindex", "data-scroll-focus", "role", "aria-label"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
