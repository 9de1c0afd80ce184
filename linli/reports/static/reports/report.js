// The report form: tap the map to place a point (named after the nearest building), clear it, pick a building from a
// searchable list, show the category's extra fields (refilled after a refused submit), list open reports nearby.
(function () {
  var form = document.getElementById("report-form");
  if (!form) return;
  var svg = form.querySelector("svg.report-map");
  var pin = svg && svg.querySelector(".pin");
  var lat = form.querySelector("[name=lat]"), lng = form.querySelector("[name=lng]");
  var category = form.querySelector("[name=category]"), building = form.querySelector("[name=building]");
  var label = document.getElementById("point-label"), clear = document.getElementById("pin-clear");
  var search = document.getElementById("building-search");
  var nearby = document.getElementById("nearby");
  var data = document.getElementById("map-buildings");
  var buildings = data ? JSON.parse(data.textContent) : [];
  var d = svg ? svg.dataset : {}, scale = parseFloat(d.scale), k = parseFloat(d.k);
  var minLng = parseFloat(d.minLng), maxLat = parseFloat(d.maxLat);

  function toSvg(evt) {
    var pt = svg.createSVGPoint(); pt.x = evt.clientX; pt.y = evt.clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse());
  }
  function place(x, y) { if (pin) { pin.setAttribute("cx", x); pin.setAttribute("cy", y); } }
  function hidePin() { place(-20, -20); }
  function nearest(x, y) {
    var best = null, bestD = Infinity;
    buildings.forEach(function (b) {
      var dd = (b.x - x) * (b.x - x) + (b.y - y) * (b.y - y);
      if (dd < bestD) { bestD = dd; best = b; }
    });
    return best;
  }
  function nameOf(b) { return b.name; }
  function showPoint(x, y) {
    var b = nearest(x, y);
    label.textContent = b ? form.dataset.textNear.replace("{name}", nameOf(b)) + (b.home ? " " + form.dataset.textHome : "") : form.dataset.textChosen;
    if (clear) clear.hidden = false;
    return b;
  }
  if (svg && !isNaN(scale)) {
    if (lat.value && lng.value) {
      var x0 = (parseFloat(lng.value) - minLng) * scale, y0 = (maxLat - parseFloat(lat.value)) * scale / k;
      place(x0, y0); showPoint(x0, y0);
    } else if (building && building.value) {
      buildings.forEach(function (b) { if (String(b.id) === building.value) place(b.x, b.y); });
    }
    svg.addEventListener("click", function (evt) {
      var p = toSvg(evt);
      lng.value = (minLng + p.x / scale).toFixed(7);
      lat.value = (maxLat - p.y * k / scale).toFixed(7);
      place(p.x, p.y);
      var b = showPoint(p.x, p.y);
      if (b && building) building.value = String(b.id);
      lookNearby();
    });
  }
  if (clear) clear.addEventListener("click", function () {
    lat.value = ""; lng.value = ""; hidePin(); label.textContent = ""; clear.hidden = true;
    lookNearby();
  });
  if (building) building.addEventListener("change", function () {
    // A building chosen from the list says where: the pin moves onto it and the map point is let go.
    lat.value = ""; lng.value = ""; label.textContent = ""; if (clear) clear.hidden = true; hidePin();
    buildings.forEach(function (b) { if (String(b.id) === building.value) place(b.x, b.y); });
    lookNearby();
  });
  if (search && building) search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase(), first = null;
    Array.prototype.forEach.call(building.options, function (o) {
      var show = !o.value || !q || o.text.toLowerCase().indexOf(q) !== -1;
      o.hidden = !show;
      if (show && o.value && !first) first = o;
    });
    if (q && first && building.value !== first.value) {
      building.value = first.value;
      building.dispatchEvent(new Event("change"));
    }
  });
  function showAttributes() {
    form.querySelectorAll(".attr").forEach(function (el) {
      var on = el.dataset.category === category.value;
      el.hidden = !on;
      el.querySelectorAll("input,select,textarea").forEach(function (i) { i.disabled = !on; });
    });
  }
  function refillAnswers() {
    var el = document.getElementById("report-answers");
    if (!el) return;
    var answers = JSON.parse(el.textContent) || {};
    Object.keys(answers).forEach(function (code) {
      var values = answers[code];
      form.querySelectorAll('.attr [name="attribute[' + code + ']"], .attr [name="attribute[' + code + '][]"]')
        .forEach(function (field) {
          if (field.multiple) {
            Array.prototype.forEach.call(field.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
          } else { field.value = values[0] || ""; }
        });
    });
  }
  function lookNearby() {
    if (!nearby) return;
    var q = new URLSearchParams({category: category.value, lat: lat.value, lng: lng.value, building: building ? building.value : ""});
    fetch(form.dataset.nearby + "?" + q.toString(), {headers: {Accept: "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (res) {
        var ul = nearby.querySelector("ul"); ul.innerHTML = "";
        res.reports.forEach(function (r) {
          var li = document.createElement("li"), a = document.createElement("a");
          a.href = r.url; a.textContent = "#" + r.id + " " + r.category + " · " + r.status + (r.distance_m !== null ? " · " + r.distance_m + " m" : "");
          li.appendChild(a); li.appendChild(document.createTextNode(" " + r.description)); ul.appendChild(li);
        });
        nearby.hidden = res.reports.length === 0;
      });
  }
  category.addEventListener("change", function () { showAttributes(); lookNearby(); });
  showAttributes();
  refillAnswers();
})();
