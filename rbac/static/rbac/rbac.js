// "Select all" boxes: a checkbox with data-rbac-select-all ticks every checkbox
// inside its closest [data-rbac-scope] container.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.hasAttribute || !box.hasAttribute("data-rbac-select-all")) { return; }
    var scope = box.closest("[data-rbac-scope]");
    if (!scope) { return; }
    scope.querySelectorAll("input[type=checkbox]").forEach(function (other) {
      if (other !== box && !other.disabled) { other.checked = box.checked; }
    });
  });
})();
