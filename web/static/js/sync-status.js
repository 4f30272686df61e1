// The sync loop and the truth about the outbox, shown in the header of every page.
// Runs on page load, on `online`, when the page comes back into view, after each new event,
// on the "Send now" button, on the service worker's word, and on a timer that backs off
// (capped at 5 minutes) while the server can't be reached.

import { nextTry } from "./backoff.js";
import { fill } from "./text.js";

const outbox = self.MusterOutbox;
if (document.body.dataset.userId) outbox.setRecorder(Number(document.body.dataset.userId));
const box = document.getElementById("sync-status");
const text = document.getElementById("sync-text");
const words = document.getElementById("sync-words");
const sendNow = document.getElementById("send-now");
const msg = box.dataset;

const state = { reachable: true, signIn: false, sending: false, failures: 0, counts: null };
let timer = null;
let soon = null;
// Asked for while a pass was under way: an event recorded then was not in that pass's list, so
// another pass follows at once instead of the 30 s retry.
let again = false;

export async function syncNow() {
  if (state.sending) { again = true; return; }
  again = false;
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
    sessionStorage.setItem(REACHABLE_KEY, state.reachable ? "yes" : "no");
    await refresh();
    if (again && state.reachable && !state.signIn) syncNow();
    else schedule();
  }
}

function schedule() {
  clearTimeout(timer);
  const delay = nextTry({ ...state, waiting: Boolean(state.counts && state.counts.pending > 0) });
  if (delay !== null) timer = setTimeout(syncNow, delay);
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

// The last thing the loop learned about the server, kept for this tab: a reload with no signal
// says "Offline" at once instead of "All sent" until the first check fails.
const REACHABLE_KEY = "muster.reachable";
state.reachable = sessionStorage.getItem(REACHABLE_KEY) !== "no";
const ALERT_GRACE_MS = 3000; // an alert normally leaves within this; after it, "Alert not sent"

/** The header's one line: [state, words, the longer sentence for its tooltip]. Most urgent first. */
export function headline(counts, s, now = Date.now()) {
  const { pending, events, photos, rejected, alerts, alertSince } = counts;
  let saved = "";
  if (events) {
    saved = events === 1 ? msg.savedOne : fill(msg.savedMany, { n: events });
    // A report with a photo is one thing saved, not two: photos are named beside what they belong to.
    if (photos) saved += photos === 1 ? msg.withPhoto : fill(msg.withPhotos, { n: photos });
  } else if (photos) {
    saved = photos === 1 ? msg.photoOne : fill(msg.photoMany, { n: photos });
  }
  const overdue = alertSince && now - Date.parse(alertSince) > ALERT_GRACE_MS;
  if (alerts && (!s.reachable || s.signIn || overdue)) return ["alert", msg.alertNotSent, saved];
  if (s.signIn && pending) return ["attention", msg.signIn, saved];
  if (rejected) {
    return ["attention", rejected === 1 ? msg.attentionOne : fill(msg.attentionMany, { n: rejected }), saved];
  }
  if (!s.reachable) {
    return pending ? ["offline", fill(msg.offlineShort, { n: events || photos }), `${msg.offline} ${saved}`]
      : ["offline", msg.offlineAlone, msg.offlineAlone];
  }
  if (s.sending && pending) return ["sending", msg.sending, saved];
  if (pending) return ["waiting", events ? (events === 1 ? msg.savedOne : fill(msg.savedMany, { n: events })) : saved, saved];
  return ["ok", msg.allSent, msg.allSent];
}

let alertTimer = null;
function paint() {
  if (!state.counts) return;
  const { pending } = state.counts;
  const [name, line, detail] = headline(state.counts, state);
  if (words.textContent !== line) words.textContent = line;
  text.title = detail;
  box.dataset.state = name;
  text.href = state.signIn && pending ? `${msg.signInUrl}?next=${encodeURIComponent(location.pathname)}` : msg.outboxUrl;
  sendNow.hidden = !pending || state.sending || state.signIn;
  // An alert still waiting turns into "Alert not sent" when its grace ends, even with no new event.
  clearTimeout(alertTimer);
  if (state.counts.alerts && name !== "alert") alertTimer = setTimeout(paint, ALERT_GRACE_MS);
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
    document.getElementById("sign-out-warning-text").textContent = fill(msg.unsent, { n: pending + rejected });
    document.getElementById("sign-out-warning").hidden = false;
  });
  document.getElementById("sign-out-send").addEventListener("click", async () => {
    await syncNow();
    const { pending, rejected } = state.counts;
    if (!pending && !rejected) form.submit();
    else document.getElementById("sign-out-warning-text").textContent = fill(msg.unsent, { n: pending + rejected });
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
