// The safety team's map: reports (from the GeoJSON export, with the page's filters) over the sites.

import { baseMap, fit, loadLeaflet } from "./map.js";
import { fill } from "./text.js";

const el = document.getElementById("reports-map");
const msg = el.dataset;

// The site closest to a point (flat-earth is enough to choose one), so the view shows each report
// with the school or site it is described from ("280 m NW of ...").
function nearestSite(sites, [lat, lon]) {
  const squared = (s) => (s.lat - lat) ** 2 + ((s.lon - lon) * Math.cos((lat * Math.PI) / 180)) ** 2;
  return sites.reduce((best, s) => (!best || squared(s) < squared(best) ? s : best), null);
}

async function main() {
  const L = await loadLeaflet(msg.leafletJs, msg.leafletCss);
  const sites = JSON.parse(msg.sites);
  const map = baseMap(L, el, JSON.parse(msg.map), sites);
  const response = await fetch(msg.geojson, { credentials: "same-origin" });
  const data = await response.json();
  const points = [];
  let focused = null;
  for (const feature of data.features) {
    const [lon, lat] = feature.geometry.coordinates;
    const p = feature.properties;
    const popup = document.createElement("div");
    const title = Object.assign(document.createElement("strong"), { textContent: p.kind_label });
    const place = Object.assign(document.createElement("p"), { textContent: p.place });
    const when = Object.assign(document.createElement("p"), { textContent: p.seen });  // the district's clock, not the browser's zone
    const open = Object.assign(document.createElement("a"), { href: p.url, textContent: msg.msgOpen });
    popup.append(title, place, when, open);
    const marker = L.circleMarker([lat, lon], { radius: 10, className: `report-marker kind-${p.kind}` })
      .bindPopup(popup).addTo(map);
    points.push([lat, lon]);
    if (feature.id === msg.focus) focused = marker;
  }
  const near = points.map((point) => nearestSite(sites, point)).filter(Boolean);
  const context = [...new Set(near)].map((s) => [s.lat, s.lon]);
  fit(map, points.length ? [...points, ...context] : sites.map((s) => [s.lat, s.lon]));
  if (focused) { map.setView(focused.getLatLng(), 16); focused.openPopup(); }
  document.getElementById("reports-map-count").textContent = fill(msg.msgCount, { n: points.length });
}

main();
