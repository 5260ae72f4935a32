// "Select all" boxes: a checkbox with data-rbac-select-all ticks every checkbox
// inside its closest [data-rbac-scope] container, and shows ticked when all of them are.
(function () {
  "use strict";

  function members(box) {
    var scope = box.closest("[data-rbac-scope]");
    if (!scope) { return []; }
    return Array.prototype.filter.call(scope.querySelectorAll("input[type=checkbox]"), function (other) {
      return other !== box && !other.disabled && !other.hasAttribute("data-rbac-select-all");
    });
  }

  function refresh() {
    document.querySelectorAll("[data-rbac-select-all]").forEach(function (box) {
      var boxes = members(box);
      box.checked = boxes.length > 0 && boxes.every(function (other) { return other.checked; });
    });
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.hasAttribute && box.hasAttribute("data-rbac-select-all")) {
      members(box).forEach(function (other) { other.checked = box.checked; });
    }
    refresh();
  });
  document.addEventListener("DOMContentLoaded", refresh);
})();
