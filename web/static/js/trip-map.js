// The trip form's map: tap it to set the destination's latitude and longitude (typing them still
// works, and so does choosing a saved venue). Drawn with the shared map module.
import { baseMap, fit, loadLeaflet } from "./map.js";

const el = document.getElementById("destination-map");
const latitude = document.getElementById("latitude");
const longitude = document.getElementById("longitude");

async function main() {
  const L = await loadLeaflet(el.dataset.leafletJs, el.dataset.leafletCss);
  const sites = JSON.parse(el.dataset.sites);
  const map = baseMap(L, el, JSON.parse(el.dataset.map), sites);
  let pin = null;
  const place = (point) => {
    if (pin) pin.setLatLng(point);
    else pin = L.circleMarker(point, { radius: 11, className: "destination-pin" }).addTo(map);
  };
  if (latitude.value && longitude.value) place([Number(latitude.value), Number(longitude.value)]);
  fit(map, pin ? [pin.getLatLng()] : sites.map((s) => [s.lat, s.lon]));
  map.on("click", ({ latlng }) => {
    latitude.value = latlng.lat.toFixed(5);
    longitude.value = latlng.lng.toFixed(5);
    document.getElementById("venue").value = ""; // a picked point, not a saved venue
    place(latlng);
  });
  el.dataset.ready = "true";
}

if (el) main().catch(() => { el.hidden = true; }); // no map: the typed fields still work
