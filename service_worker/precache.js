// Precache: the app shell for this VERSION, installed completely or not at all.
const SHELL = `muster-shell-${VERSION}`;
const PAGES = "muster-pages"; // pages kept for offline use; outlive versions, refreshed on activate
// The same pages in the person's other languages, so switching language with no signal works.
const OTHER_LANGUAGES = "muster-pages-languages";
const inLanguage = (url, code) => {
  const keyed = new URL(url, self.location.origin);
  keyed.searchParams.set("muster-lang", code);
  return keyed.href;
};

self.addEventListener("install", (event) => {
  // addAll fails if any file fails: a half-installed version never takes over.
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith("muster-shell-") && name !== SHELL)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
    refreshPages(); // pages point at the new shell's URLs once re-fetched; not awaited
  })());
});

// Background fetches never follow a redirect: one to the sign-in page (a session that lapsed)
// would render its form, and the new session that comes with it would replace the one of the
// sign-in form the person is filling in, whose token the server then refuses ("This form has
// expired"). A redirect is never kept anyway. The header tells the server that no one sees this
// page now, so it leaves the next page's flash ("Action added.") for the page the person opens.
const BACKGROUND = {
  credentials: "same-origin", redirect: "manual", headers: { "Muster-Background": "1" },
};

// Re-fetch every cached page in the background; a failure keeps the old copy.
async function refreshPages() {
  const cache = await caches.open(PAGES);
  for (const request of await cache.keys()) {
    try {
      const response = await fetch(request.url, BACKGROUND);
      if (cacheable(response)) await cache.put(request.url, response);
      else if (gone(response)) await cache.delete(request.url);
    } catch (error) {
      return; // offline: try again next time
    }
  }
}

async function cachePages(urls, languages = []) {
  const cache = await caches.open(PAGES);
  const other = await caches.open(OTHER_LANGUAGES);
  await Promise.all(urls.map(async (url) => {
    try {
      const response = await fetch(url, BACKGROUND);
      if (cacheable(response)) await cache.put(url, response);
      else if (gone(response)) await cache.delete(url);
      for (const code of languages) {
        const copy = await fetch(url, { ...BACKGROUND, headers: { ...BACKGROUND.headers, "Muster-Locale": code } });
        if (cacheable(copy)) await other.put(inLanguage(url, code), copy);
        else if (gone(copy)) await other.delete(inLanguage(url, code));
      }
    } catch (error) {
      // offline now; the page is cached when next visited
    }
  }));
}

// A language chosen on this phone that the server does not know yet: its kept copy, if any.
async function inChosenLanguage(url) {
  let chosen = null;
  try {
    chosen = await MusterOutbox.chosenLocale();
  } catch (error) {
    return undefined;
  }
  if (!chosen || !chosen.pending) return undefined;
  const other = await caches.open(OTHER_LANGUAGES);
  return (await other.match(inLanguage(url, chosen.code), { ignoreVary: true })) || undefined;
}

// A page the server marks no-store (the safety team's look at a trip's roster in an emergency)
// is never kept on the device.
function cacheable(response) {
  return response && response.status === 200 && response.type === "basic" && !response.redirected
    && !/no-store/.test(response.headers.get("Cache-Control") || "");
}

// The server no longer shows this page to this person (a trip's roster after its days): forget it.
function gone(response) {
  return response && (response.status === 404 || response.status === 403);
}

// A page may say how long it may be kept (a trip's roster: until the day after the trip). A copy
// past that moment is deleted rather than shown.
async function stillKept(cache, url, response) {
  const until = response && response.headers.get("Muster-Keep-Until");
  if (!until || Date.parse(until) > Date.now()) return response;
  await cache.delete(url);
  return undefined;
}
