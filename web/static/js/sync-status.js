// The sync loop and the truth about the outbox, shown in the header of every page.
// Runs on page load, on `online`, when the page comes back into view, after each new event,
// on the "Send now" button, on the service worker's word, and on a timer that backs off
// (capped at 5 minutes) while the server can't be reached.

const outbox = self.MusterOutbox;
if (document.body.dataset.userId) outbox.setRecorder(Number(document.body.dataset.userId));
const box = document.getElementById("sync-status");
const text = document.getElementById("sync-text");
const sendNow = document.getElementById("send-now");
const msg = box.dataset;
const fill = (template, n) => template.replace("%(n)s", n);
const BASE_MS = 2000;
const CAP_MS = 5 * 60 * 1000;
const RETRY_MS = 30 * 1000;

const state = { reachable: true, signIn: false, sending: false, failures: 0, counts: null };
let timer = null;
let soon = null;

export async function syncNow() {
  if (state.sending) return;
  state.sending = true;
  paint();
  try {
    await outbox.syncOnce();
    Object.assign(state, { reachable: true, signIn: false, failures: 0 });
  } catch (error) {
    if (error instanceof outbox.SignInNeeded) Object.assign(state, { reachable: true, signIn: true });
    else Object.assign(state, { reachable: false, failures: state.failures + 1 });
    askBackgroundSync();
  } finally {
    state.sending = false;
    await refresh();
    schedule();
  }
}

function schedule() {
  clearTimeout(timer);
  const waiting = state.counts && state.counts.pending > 0;
  if (state.signIn || (state.reachable && !waiting)) return;
  const backoff = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(state.failures, 10));
  const delay = state.reachable ? RETRY_MS : backoff * (0.75 + Math.random() * 0.5);
  timer = setTimeout(syncNow, delay);
}

async function askBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("muster-outbox");
  } catch (error) {
    // no Background Sync in this browser: the timer above does the job
  }
}

export async function refresh() {
  state.counts = await outbox.counts();
  paint();
  return state.counts;
}

function paint() {
  if (!state.counts) return;
  const { pending, events, photos, rejected } = state.counts;
  const parts = [];
  // A report with a photo is one thing saved, not two: photos are named beside what they belong to.
  if (events) {
    let saved = events === 1 ? msg.savedOne : fill(msg.savedMany, events);
    if (photos) saved += photos === 1 ? msg.withPhoto : fill(msg.withPhotos, photos);
    parts.push(saved);
  } else if (photos) {
    parts.push(photos === 1 ? msg.photoOne : fill(msg.photoMany, photos));
  }
  if (rejected) parts.push(rejected === 1 ? msg.attentionOne : fill(msg.attentionMany, rejected));
  let line = parts.length ? parts.join(" · ") : msg.allSent;
  if (state.sending && pending) line = `${msg.sending} ${line}`;
  else if (!state.reachable && pending) line = `${msg.offline} ${line}`;
  else if (state.signIn && pending) line = `${line}. ${msg.signIn}`;
  text.textContent = line;
  text.href = state.signIn && pending ? `${msg.signInUrl}?next=${encodeURIComponent(location.pathname)}` : msg.outboxUrl;
  box.classList.toggle("waiting", pending > 0);
  box.classList.toggle("attention", rejected > 0);
  sendNow.hidden = !pending || state.sending || state.signIn;
}

// Signing out with unsent events warns first and offers to send them.
function guardSignOut() {
  const form = document.getElementById("sign-out-form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    if (event.submitter && event.submitter.hasAttribute("data-confirmed")) return;
    event.preventDefault();
    const { pending, rejected } = await refresh();
    if (!pending && !rejected) { form.submit(); return; }
    document.getElementById("sign-out-warning-text").textContent = fill(msg.unsent, pending + rejected);
    document.getElementById("sign-out-warning").hidden = false;
  });
  document.getElementById("sign-out-send").addEventListener("click", async () => {
    await syncNow();
    const { pending, rejected } = state.counts;
    if (!pending && !rejected) form.submit();
    else document.getElementById("sign-out-warning-text").textContent = fill(msg.unsent, pending + rejected);
  });
}

// Ask the browser to keep our data under storage pressure; remember whether it said no.
async function persist() {
  if (!navigator.storage?.persist) return;
  const granted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  localStorage.setItem("muster.persist", granted ? "granted" : "refused");
  for (const note of document.querySelectorAll("[data-storage-refused]")) note.hidden = granted;
}

sendNow.addEventListener("click", syncNow);
window.addEventListener("online", syncNow);
document.addEventListener("visibilitychange", () => { if (!document.hidden) syncNow(); });
window.addEventListener("outbox-changed", () => {
  refresh();
  clearTimeout(soon);
  soon = setTimeout(syncNow, 300); // new events go out right away when the server is there
});
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "synced") { Object.assign(state, { reachable: true, failures: 0 }); refresh(); }
});
guardSignOut();
if (document.body.dataset.signedIn === "true") persist();
refresh().then(syncNow);
