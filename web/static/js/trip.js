// The chaperone's trip page: check-ins, and the way to the missing-student screen (lost.js).
// Every action is an outbox event, so it works with no signal; the screen is rebuilt from them.

import { journal, record } from "./journal.js";
import { here } from "./position.js";
import { latest, nextCheckin, openLost, tripEvents } from "./trip-state.js";

const root = document.getElementById("trip");
const msg = root.dataset;
const tripId = Number(msg.trip);
const kinds = JSON.parse(msg.kinds);
const fromServer = JSON.parse(msg.lost);
const stops = new Map([...document.querySelectorAll("#checkin-stop option")].map((o) => [Number(o.value), o.text]));
const clockTime = (iso) => new Date(iso).toTimeString().slice(0, 5);

async function refresh() {
  const events = tripEvents(await journal(), tripId);
  // While a student is being searched for, the way back to the countdown says so.
  if (openLost(fromServer, events).length) document.getElementById("lost-link").textContent = msg.msgSearching;
  nextStop(events);
  paintCheckin(events);
  root.dataset.ready = "true"; // the page is rebuilt from the phone's events (tests wait for this)
}

// The newest check-in this phone recorded: "Saved on this phone" until the server has it.
// The stop list starts at the next stop due: after an arrival recorded here, the one after it, so
// a tap on "Arrived at stop" without looking doesn't record the museum again at lunch.
function nextStop(events) {
  const select = document.getElementById("checkin-stop");
  if (!select) return;
  const order = [...select.options].map((o) => Number(o.value));
  const arrived = events.filter((e) => e.type === "trip.checkin" && e.payload.kind === "arrived")
    .map((e) => order.indexOf(e.payload.stop_id));
  const after = Math.max(-1, ...arrived) + 1;
  if (after > select.selectedIndex && after < order.length) select.selectedIndex = after;
}

function paintCheckin(events) {
  const checkin = latest(events, "trip.checkin");
  if (!checkin) return;
  const p = checkin.payload;
  const stop = p.stop_id ? ` · ${stops.get(p.stop_id) || ""}` : "";
  document.getElementById("last-checkin").textContent =
    `${checkin.sent ? msg.msgLastCheckin : msg.msgSaved} ${kinds[p.kind]}${stop} · ${clockTime(checkin.occurred_at)}`;
  // The one button that stands out is the check-in due next, after what this phone recorded.
  const next = nextCheckin(p, [...stops.keys()]);
  for (const button of document.querySelectorAll("[data-checkin]")) {
    button.classList.toggle("primary", button.dataset.checkin === next);
  }
}

async function checkIn(button) {
  button.disabled = true;
  const kind = button.dataset.checkin;
  const payload = { checkin_id: crypto.randomUUID(), trip_id: tripId, kind };
  if (kind === "arrived") payload.stop_id = Number(document.getElementById("checkin-stop").value);
  const position = await here();
  if (position) payload.position = position;
  await record("trip.checkin", payload);
  button.disabled = false;
  await refresh();
  if (!position) document.getElementById("last-checkin").append(` (${msg.msgNoPosition})`);
}

for (const button of document.querySelectorAll("[data-checkin]")) {
  button.addEventListener("click", () => checkIn(button));
}
window.addEventListener("outbox-changed", refresh);
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "synced") refresh(); // sent by the service worker's Background Sync
});
refresh();
