// Follows a register import or export through the API and reloads the page when it has finished.
(function () {
  var box = document.querySelector("[data-import-progress], [data-export-progress]");
  if (!box) return;
  var url = box.hasAttribute("data-import-progress")
    ? "/api/v1/register/imports/" + box.getAttribute("data-import-progress")
    : "/api/v1/register/exports/" + box.getAttribute("data-export-progress");
  var bar = box.querySelector("[data-progress-bar]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        if (bar) bar.value = job.percent;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
