// Catalogue map: progressive enhancement of the result list (Leaflet). Reads the markers from the
// JSON in #map-points and the tile server from the map element's data attributes; without tiles
// the markers are drawn on a plain background.
(function () {
  "use strict";
  var el = document.getElementById("results-map");
  var data = document.getElementById("map-points");
  if (!el || !data || typeof L === "undefined") { return; }
  var points = JSON.parse(data.textContent);
  var origin = el.dataset.origin ? JSON.parse(el.dataset.origin) : null;
  if (!points.length && !origin) { el.hidden = true; return; }
  el.hidden = false;
  var map = L.map(el, { scrollWheelZoom: false });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var bounds = [];
  if (origin) {
    L.circleMarker(origin, { radius: 7, color: "#003366", fillOpacity: 0.9 }).addTo(map)
      .bindTooltip(el.dataset.originLabel || "");
    bounds.push(origin);
  }
  points.forEach(function (p) {
    var m = L.marker([p.lat, p.lon], { title: p.name, alt: p.name }).addTo(map);
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.name;
    var box = document.createElement("div");
    box.appendChild(link);
    if (p.approx) {
      var note = document.createElement("div");
      note.className = "small";
      note.textContent = el.dataset.approxLabel || "";
      box.appendChild(note);
    }
    m.bindPopup(box);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length === 1) { map.setView(bounds[0], 13); } else { map.fitBounds(bounds, { padding: [24, 24] }); }
})();
