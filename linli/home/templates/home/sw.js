{% load static %}// Linli's service worker: it keeps an offline page and shows it when a page cannot be loaded. Nothing else is cached,
// so what is shown online is always fresh (and never another account's page).
var CACHE = "{{ version }}";
var OFFLINE = "{{ offline_url }}";
var KEEP = [OFFLINE, "{% static 'linli/linli.css' %}", "{% static 'linli/icons/icon-192.png' %}"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(KEEP); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE); }));
    return;
  }
  if (KEEP.indexOf(new URL(request.url).pathname) !== -1) {
    event.respondWith(fetch(request).catch(function () { return caches.match(request); }));
  }
});
