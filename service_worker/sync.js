// Background Sync and messages from pages.
self.addEventListener("sync", (event) => {
  if (event.tag !== "muster-outbox") return;
  event.waitUntil(MusterOutbox.syncOnce().then(
    () => tell({ type: "synced" }),
    (error) => {
      tell({ type: "sync-failed", signIn: error instanceof MusterOutbox.SignInNeeded });
      if (!(error instanceof MusterOutbox.SignInNeeded)) throw error; // the browser retries later
    }));
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "cache-pages" && Array.isArray(data.urls)) {
    const languages = (Array.isArray(data.languages) ? data.languages : [])
      .filter((code) => typeof code === "string" && /^[a-z]{2}$/.test(code));
    event.waitUntil(cachePages(data.urls.filter((u) => typeof u === "string" && u.startsWith("/")), languages));
  } else if (data.type === "claim") {
    event.waitUntil(self.clients.claim()); // this worker is already the active one: no version change
  } else if (data.type === "skip-waiting") {
    self.skipWaiting(); // only when the person tapped "Update"
  }
});

async function tell(message) {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) {
    client.postMessage(message);
  }
}
