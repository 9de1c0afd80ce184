// Keeps a cockpit on a wall screen current without <meta http-equiv=refresh>: every few seconds, while the page is
// visible, it asks the server for the page and reloads only when the figures' time stamp changed. Offline or on an
// error it keeps what is shown (a meta refresh would replace it with the browser's error page).
(function () {
  var script = document.currentScript;
  var seconds = Math.max(15, parseInt((script && script.dataset.seconds) || "60", 10));
  var stamp = document.querySelector("[data-testid=updated]");
  if (!stamp) return;
  var shown = stamp.textContent.trim();
  function check() {
    if (document.hidden) return;
    fetch(window.location.href, {headers: {Accept: "text/html"}, cache: "no-store", credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("[data-testid=updated]");
        if (fresh && fresh.textContent.trim() !== shown) window.location.reload();
      })
      .catch(function () { /* offline: keep the figures shown */ });
  }
  window.setInterval(check, seconds * 1000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) check(); });
})();
