// A part of a page that changes by itself (a check-in code that turns every minute) without <meta http-equiv=refresh>,
// which reloads the whole page, wipes what was typed and is announced to no one: each `[data-live]` region is fetched
// again after its `data-live` seconds and replaced in place; it carries aria-live="polite", so a screen reader says
// the new code. Offline or on an error the region keeps what it shows and tries again; the page's own "refresh" link
// works without JavaScript.
(function () {
  function schedule(region) {
    var seconds = Math.max(5, parseInt(region.dataset.live || "60", 10));
    window.setTimeout(function () { refresh(region); }, seconds * 1000);
  }
  function refresh(region) {
    var id = region.id;
    fetch(window.location.href, {headers: {Accept: "text/html"}, cache: "no-store", credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        var fresh = html && new DOMParser().parseFromString(html, "text/html").getElementById(id);
        if (fresh) {
          region.innerHTML = fresh.innerHTML;
          region.dataset.live = fresh.dataset.live;
        }
        schedule(region);
      })
      .catch(function () { schedule(region); });
  }
  document.querySelectorAll("[data-live][id]").forEach(schedule);
})();
