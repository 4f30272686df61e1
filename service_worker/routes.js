// Routes: which strategy answers which request.
const PAGE_TIMEOUT_MS = 3000;
const STATIC_PREFIX = "/static/";
// Files kept with the pages that show them: a trip's student photos, for its roster offline.
const KEPT_FILES = /^\/trips\/\d+\/students\/\d+\/photo$/;

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method === "POST" && url.pathname === SIGN_OUT_URL) {
    // Signing out forgets the pages kept for this person: the next one on this phone sees none of
    // them offline. The outbox is left alone; nothing recorded is ever dropped.
    event.waitUntil(Promise.all([caches.delete(PAGES), caches.delete(OTHER_LANGUAGES)]));
    return;
  }
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.headers.get("HX-Request")) return; // fragments: always from the network
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFirst(request, url));
  } else if (request.mode === "navigate" || KEPT_FILES.test(url.pathname)) {
    event.respondWith(pageNetworkFirst(request));
  }
});

// Content-hashed files never change: the cache answers first. A page cached by an older version
// may ask for an older hash; the same file of this version stands in for it.
async function staticFirst(request, url) {
  const hit = await caches.match(request);
  if (hit) return hit;
  try {
    const response = await fetch(request);
    if (response.ok) keepCopy(await caches.open(SHELL), request, response.clone());
    return response;
  } catch (error) {
    const [, , , ...rest] = url.pathname.split("/"); // "", "static", hash, path...
    const wanted = rest.join("/");
    const shell = await caches.open(SHELL);
    for (const key of await shell.keys()) {
      if (new URL(key.url).pathname.split("/").slice(3).join("/") === wanted) return shell.match(key);
    }
    throw error;
  }
}

// Pages: the network if it answers in time (kept for later), else the cached copy, else the
// offline page. Error pages and redirects are never kept; a server error (say, a proxy's 502
// while the app is down) gives way to the cached copy when there is one.
async function pageNetworkFirst(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await withTimeout(fetch(request), PAGE_TIMEOUT_MS);
    if (cacheable(response)) await keepCopy(cache, request.url, response.clone());
    else if (gone(response)) await cache.delete(request.url);
    if (response.status >= 500) return (await kept(cache, request.url)) || response;
    return response;
  } catch (error) {
    // A query the page reads itself (?trip=…) was never cached as such: its plain page comes
    // before any other copy of the path, since "any" may be an older version's (?v=2), which
    // would send the runner back to the plain page without the query (CI lost a trip so).
    return (await inChosenLanguage(request.url))
      || (await kept(cache, request.url)) || (await kept(cache, plainPage(request.url)))
      || (await kept(cache, request.url, { ignoreSearch: true }))
      || (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

// Keeping a copy can fail (the phone's storage is full): the page from the network is still shown.
async function keepCopy(cache, key, response) {
  try {
    await cache.put(key, response);
  } catch (error) {
    // nothing kept this time; the next visit tries again
  }
}

function plainPage(url) {
  const plain = new URL(url);
  plain.search = "";
  return plain.href;
}

async function kept(cache, url, options) {
  const response = await cache.match(url, options);
  return response && stillKept(cache, response.url || url, response);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
                 (error) => { clearTimeout(timer); reject(error); });
  });
}
