// Ticks or clears every row checkbox of the list when the header checkbox changes.
document.addEventListener("change", function (event) {
  if (!event.target.classList.contains("stark-check-all")) return;
  var table = event.target.closest("table");
  table.querySelectorAll("input.stark-check").forEach(function (box) {
    box.checked = event.target.checked;
  });
});
