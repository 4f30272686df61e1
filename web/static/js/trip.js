// The chaperone's trip page: check-ins and the lost-student branch with its 30-minute countdown.
// Every action is an outbox event, so it works with no signal; the screen is rebuilt from them.

import { journal, record } from "./journal.js";
import { here } from "./position.js";
import { formatDuration } from "./run-state.js";
import { latest, nextCheckin, openLost, secondsLeft, tripEvents } from "./trip-state.js";

const root = document.getElementById("trip");
const msg = root.dataset;
const tripId = Number(msg.trip);
const total = Number(msg.countdown);
const kinds = JSON.parse(msg.kinds);
const fromServer = JSON.parse(msg.lost);
const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, key) => values[key]);
const studentSelect = document.getElementById("lost-student");
const names = new Map([...studentSelect.options].filter((o) => o.value).map((o) => [Number(o.value), o.text]));
const stops = new Map([...document.querySelectorAll("#checkin-stop option")].map((o) => [Number(o.value), o.text]));
const clockTime = (iso) => new Date(iso).toTimeString().slice(0, 5);
const lostForm = document.getElementById("lost-form");
const another = document.getElementById("lost-another");
let lost = [];
let reporting = false; // the form for another missing student is open

// With a countdown running, the steps are open and the form for another student waits behind a
// button, so a second tap on the red button can't report the wrong child by mistake.
function showForm() {
  const waiting = lost.length > 0 && !reporting;
  lostForm.hidden = waiting;
  another.hidden = !waiting;
  another.setAttribute("aria-expanded", String(!waiting));
}

async function refresh({ preselect = false } = {}) {
  const events = tripEvents(await journal(), tripId);
  const before = lost.length;
  lost = openLost(fromServer, events);
  paintLost();
  if (lost.length && !before) document.getElementById("lost-steps").open = true;
  showForm();
  nextStop(events);
  paintCheckin(events);
  const count = latest(events, "trip.headcount");
  if (preselect && count && count.payload.present) {
    // The first student the last headcount missed who is not already being searched for.
    const present = new Set(count.payload.present);
    const searching = new Set(lost.map((l) => l.student_id));
    const missing = [...names.keys()].find((id) => !present.has(id) && !searching.has(id));
    if (missing !== undefined) studentSelect.value = String(missing);
  }
  root.dataset.ready = "true"; // the page is rebuilt from the phone's events (tests wait for this)
}

function paintLost() {
  const list = document.getElementById("lost-list");
  list.replaceChildren();
  for (const item of lost) {
    const li = document.createElement("li");
    li.className = "lost-item";
    const name = Object.assign(document.createElement("p"), { className: "lost-name",
      textContent: names.get(item.student_id) || msg.msgUnknown });
    const clock = Object.assign(document.createElement("output"), { className: "clock" });
    clock.dataset.started = item.started_at;
    const status = Object.assign(document.createElement("p"), { className: "lost-status" });
    status.setAttribute("role", "status");
    const when = item.last_seen_at ? clockTime(item.last_seen_at) : msg.msgNoTime; // never the report's time
    const seen = Object.assign(document.createElement("p"), { className: "muted",
      textContent: fill(msg.msgLastSeen, { when, where: item.last_seen_where || "—" }) });
    const sent = Object.assign(document.createElement("p"), { className: "lost-sent" });
    sent.dataset.lost = item.lost_id;
    const found = Object.assign(document.createElement("button"), { type: "button",
      className: "big primary", textContent: msg.msgFound });
    found.addEventListener("click", async () => {
      // Two taps: one slip of the thumb must not stop the countdown and the police-call alert.
      if (found.dataset.armed !== "true") {
        found.dataset.armed = "true";
        found.textContent = fill(msg.msgFoundConfirm, { name: name.textContent });
        return;
      }
      found.disabled = true;
      await record("trip.student_found", { lost_id: item.lost_id, trip_id: tripId });
      refresh({ preselect: true });
    });
    li.append(name, clock, status, seen, sent, found);
    list.append(li);
  }
  paintSent();
  tick();
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

// Whether school has each report yet: with no signal, the chaperone must know it hasn't.
function paintSent() {
  for (const line of document.querySelectorAll("#lost-list .lost-sent")) {
    const item = lost.find((l) => l.lost_id === line.dataset.lost);
    const sent = Boolean(item && item.sent);
    line.textContent = sent ? msg.msgAlerted : msg.msgNotSent;
    line.classList.toggle("not-sent-yet", !sent);
  }
}

async function sentChanged() {
  const events = tripEvents(await journal(), tripId);
  const now = openLost(fromServer, events);
  for (const item of lost) item.sent = Boolean(now.find((l) => l.lost_id === item.lost_id)?.sent);
  paintSent();
  paintCheckin(events);
}

function tick() {
  for (const clock of document.querySelectorAll("#lost-list .clock")) {
    const left = secondsLeft(clock.dataset.started, total);
    clock.textContent = formatDuration(Math.max(0, Math.ceil(left)));
    clock.classList.toggle("done", left <= 0);
    const status = clock.nextElementSibling; // a live region: speaks once, when time is up
    if (left <= 0 && status.textContent !== msg.msgUp) status.textContent = msg.msgUp;
  }
}

async function startLost(event) {
  event.preventDefault();
  const form = event.target;
  const data = new FormData(form);
  const payload = { lost_id: crypto.randomUUID(), trip_id: tripId,
    student_id: data.get("student") ? Number(data.get("student")) : null,
    last_seen_where: String(data.get("where") || "").trim().slice(0, 200) };
  const seenAt = String(data.get("seen_at") || "");
  if (seenAt) {
    const when = new Date();
    const [h, m] = seenAt.split(":").map(Number);
    when.setHours(h, m, 0, 0);
    if (when > new Date()) when.setDate(when.getDate() - 1);
    payload.last_seen_at = when.toISOString();
  }
  const position = await here(3000);
  if (position) payload.position = position;
  await record("trip.student_lost", payload);
  form.reset();
  reporting = false;
  await refresh({ preselect: true });
  document.getElementById("lost-list").scrollIntoView({ block: "start" });
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

lostForm.addEventListener("submit", startLost);
another.addEventListener("click", () => {
  reporting = true;
  showForm();
  studentSelect.focus();
});
for (const button of document.querySelectorAll("[data-checkin]")) {
  button.addEventListener("click", () => checkIn(button));
}
window.addEventListener("outbox-changed", sentChanged);
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "synced") sentChanged(); // sent by the service worker's Background Sync
});
refresh({ preselect: true });
setInterval(tick, 1000);
