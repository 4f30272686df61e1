// Maps with Leaflet, loaded only when a page draws one. With no tiles configured or reachable the
// map is still useful: the district's sites and the reports are drawn on a plain background.

let loading = null;

/** Load Leaflet's script and style once; resolves with the global L. */
export function loadLeaflet(scriptUrl, cssUrl) {
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const css = Object.assign(document.createElement("link"), { rel: "stylesheet", href: cssUrl });
      document.head.append(css);
      const script = Object.assign(document.createElement("script"), { src: scriptUrl });
      script.onload = () => resolve(window.L);
      script.onerror = () => reject(new Error("Leaflet did not load"));
      document.head.append(script);
    });
  }
  return loading;
}

/** A map in `el` showing the sites, with tiles when the district configured them. */
export function baseMap(L, el, config, sites) {
  const map = L.map(el, { zoomSnap: 0.5 });
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
  }
  for (const site of sites) {
    L.circleMarker([site.lat, site.lon], { radius: 9, className: `site-marker site-${site.kind}` })
      .bindTooltip(site.name, { permanent: true, direction: "right", className: "site-label" })
      .addTo(map);
  }
  return map;
}

/** The view that shows every point given, or a default around the sites. */
export function fit(map, points) {
  if (points.length === 1) map.setView(points[0], 16);
  else if (points.length > 1) map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
  else map.setView([0, 0], 2);
}
