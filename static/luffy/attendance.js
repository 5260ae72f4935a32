// Batch attendance: "set all to ..." fills every row's select, so staff mark everyone present
// and then change the few who differ. Nothing is saved until the form is submitted.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-set-all-target]");
  if (!button) return;
  var value = document.getElementById("attendance-set-all").value;
  document.querySelectorAll(button.getAttribute("data-set-all-target")).forEach(function (select) {
    select.value = value;
  });
});
