// Registers the service worker that shows an offline page when the network is down (the site stays installable).
(function () {
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script || !script.dataset.sw) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(script.dataset.sw, {scope: "/"}).catch(function () { /* not fatal */ });
  });
})();
