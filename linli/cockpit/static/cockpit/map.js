// Draws a cockpit map over the configured tiles with Leaflet: the same layers as the SVG map (buildings shaded
// by coverage, gaps, facilities, recommended sites, boundaries), read from the GeoJSON the page embeds.
(function () {
  if (!window.L) return;
  var NS = "http://www.w3.org/2000/svg";
  function mark(shape, colour, radius) {
    var size = Math.round(2 * radius + 4), c = size / 2, svg = document.createElementNS(NS, "svg"), body;
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    svg.setAttribute("width", size);
    svg.setAttribute("height", size);
    if (shape === "star") {
      var pts = [];
      for (var i = 0; i < 10; i++) {
        var r = i % 2 === 0 ? radius : radius * 0.45, a = Math.PI / 2 + i * Math.PI / 5;
        pts.push((c + r * Math.cos(a)).toFixed(1) + "," + (c - r * Math.sin(a)).toFixed(1));
      }
      body = document.createElementNS(NS, "polygon");
      body.setAttribute("points", pts.join(" "));
      body.setAttribute("stroke", "#000");
    } else {
      body = document.createElementNS(NS, "rect");
      body.setAttribute("x", c - radius);
      body.setAttribute("y", c - radius);
      body.setAttribute("width", 2 * radius);
      body.setAttribute("height", 2 * radius);
      body.setAttribute("stroke", "#fff");
    }
    body.setAttribute("fill", colour);
    svg.appendChild(body);
    return L.divIcon({ className: "map-mark", html: svg, iconSize: [size, size] });
  }
  function text(label) { var span = document.createElement("span"); span.textContent = label; return span; }
  document.querySelectorAll(".tile-map[data-tile-url]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-layers"));
    if (!source) return;
    var map = L.map(el, { scrollWheelZoom: false });
    L.tileLayer(el.getAttribute("data-tile-url"), { attribution: el.getAttribute("data-attribution"), maxZoom: 19 }).addTo(map);
    var layer = L.geoJSON(JSON.parse(source.textContent), {
      style: function (f) {
        var p = f.properties;
        if (p.layer === "outline") return { color: p.stroke, weight: 2, dashArray: "6 4", fill: false };
        return { color: p.stroke, weight: 0.6, fillColor: p.fill, fillOpacity: 0.85 * (p.opacity || 1) };
      },
      pointToLayer: function (f, latlng) {
        var p = f.properties;
        if (p.shape === "circle") {
          return L.circleMarker(latlng, { radius: p.radius, fillColor: p.colour, color: "#fff", weight: 1.5, fillOpacity: 1 });
        }
        return L.marker(latlng, { icon: mark(p.shape, p.colour, p.radius), keyboard: false });
      },
      onEachFeature: function (f, l) {
        if (f.properties.label) l.bindTooltip(text(f.properties.label));
        if (f.properties.layer) el.classList.add("has-" + f.properties.layer);
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] }); else map.setView([30.25, 120.2], 13);
    el.setAttribute("data-rendered", "1");
  });
})();
