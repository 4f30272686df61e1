// An alert's small map: where it was raised, with the district's sites around it. The place in
// words and the coordinates are on the page already; with no map, nothing is lost.
import { baseMap, fit, loadLeaflet } from "./map.js";

async function draw(el) {
  const L = await loadLeaflet(el.dataset.leafletJs, el.dataset.leafletCss);
  const point = [Number(el.dataset.lat), Number(el.dataset.lon)];
  const sites = JSON.parse(el.dataset.sites || "[]");
  const map = baseMap(L, el, JSON.parse(el.dataset.map || "{}"), sites);
  L.circleMarker(point, { radius: 11, className: "alert-pin" }).addTo(map);
  const near = sites.map((s) => [s.lat, s.lon]).sort((a, b) =>
    Math.hypot(a[0] - point[0], a[1] - point[1]) - Math.hypot(b[0] - point[0], b[1] - point[1]));
  fit(map, near.length ? [point, near[0]] : [point]);
  el.dataset.ready = "true";
}

for (const el of document.querySelectorAll(".alert-map:not([data-ready])")) {
  draw(el).catch(() => { el.hidden = true; });
}
