// The report form: tap the map to place a point, show the category's extra fields, list open reports nearby.
(function () {
  var form = document.getElementById("report-form");
  if (!form) return;
  var svg = form.querySelector("svg.report-map");
  var pin = svg && svg.querySelector(".pin");
  var lat = form.querySelector("[name=lat]"), lng = form.querySelector("[name=lng]");
  var category = form.querySelector("[name=category]"), building = form.querySelector("[name=building]");
  var nearby = document.getElementById("nearby");
  function toSvg(evt) {
    var pt = svg.createSVGPoint(); pt.x = evt.clientX; pt.y = evt.clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse());
  }
  function place(x, y) { pin.setAttribute("cx", x); pin.setAttribute("cy", y); }
  if (svg) {
    var d = svg.dataset, scale = parseFloat(d.scale), k = parseFloat(d.k);
    var minLng = parseFloat(d.minLng), maxLat = parseFloat(d.maxLat);
    if (lat.value && lng.value) place((parseFloat(lng.value) - minLng) * scale, (maxLat - parseFloat(lat.value)) * scale / k);
    svg.addEventListener("click", function (evt) {
      var p = toSvg(evt);
      lng.value = (minLng + p.x / scale).toFixed(7);
      lat.value = (maxLat - p.y * k / scale).toFixed(7);
      place(p.x, p.y);
      document.getElementById("point-label").textContent = lat.value + ", " + lng.value;
      lookNearby();
    });
  }
  function showAttributes() {
    form.querySelectorAll(".attr").forEach(function (el) {
      var on = el.dataset.category === category.value;
      el.hidden = !on;
      el.querySelectorAll("input,select,textarea").forEach(function (i) { i.disabled = !on; });
    });
  }
  function lookNearby() {
    if (!nearby) return;
    var q = new URLSearchParams({category: category.value, lat: lat.value, lng: lng.value, building: building.value});
    fetch(form.dataset.nearby + "?" + q.toString(), {headers: {Accept: "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var ul = nearby.querySelector("ul"); ul.innerHTML = "";
        data.reports.forEach(function (r) {
          var li = document.createElement("li"), a = document.createElement("a");
          a.href = r.url; a.textContent = "#" + r.id + " " + r.category + " · " + r.status + (r.distance_m !== null ? " · " + r.distance_m + " m" : "");
          li.appendChild(a); li.appendChild(document.createTextNode(" " + r.description)); ul.appendChild(li);
        });
        nearby.hidden = data.reports.length === 0;
      });
  }
  category.addEventListener("change", function () { showAttributes(); lookNearby(); });
  building.addEventListener("change", lookNearby);
  showAttributes();
})();
