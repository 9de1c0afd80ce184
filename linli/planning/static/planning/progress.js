// Follows a running health check through the API and reloads the page when it has finished.
(function () {
  var box = document.querySelector("[data-run-progress]");
  if (!box) return;
  var id = box.getAttribute("data-run-progress");
  var bar = box.querySelector("[data-progress-bar]");
  var message = box.querySelector("[data-progress-message]");
  function poll() {
    fetch("/api/v1/planning/runs/" + id, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (run) {
        if (run.status === "done" || run.status === "failed") { window.location.reload(); return; }
        if (bar) bar.value = run.percent;
        if (message) message.textContent = run.progress_message;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
