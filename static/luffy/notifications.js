/* The bell in the top bar (issue 12): fill in the unread count from /notifications/unread/.
 * Fetched after the page loads, so no page pays a query for it and the page works without it. */
(function () {
  "use strict";
  var bell = document.querySelector("[data-unread-url]");
  if (!bell || !window.fetch) { return; }
  fetch(bell.getAttribute("data-unread-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data || !data.unread) { return; }
      var badge = bell.querySelector(".luffy-unread");
      badge.textContent = data.unread > 99 ? "99+" : String(data.unread);
      badge.hidden = false;
      bell.setAttribute("aria-label", bell.getAttribute("data-label-unread").replace("%s", data.unread));
    })
    .catch(function () { /* the bell stays a plain link */ });
})();
