// Follows a running city health check through the API and reloads the page when it has finished.
(function () {
  var box = document.querySelector("[data-city-run-progress]");
  if (!box) return;
  var id = box.getAttribute("data-city-run-progress");
  var bar = box.querySelector("[data-progress-bar]");
  var message = box.querySelector("[data-progress-message]");
  var count = box.querySelector("[data-progress-count]");
  function poll() {
    fetch("/api/v1/planning/city-runs/" + id + "?rows=false", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (run) {
        var hubsWaiting = run.hub_status === "pending" || run.hub_status === "running";
        if ((run.status === "done" || run.status === "failed") && !hubsWaiting) { window.location.reload(); return; }
        if (bar) bar.value = run.percent;
        if (message) message.textContent = run.progress_message;
        if (count && run.progress_text) count.textContent = run.progress_text;
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
