// The missing-student screen: the report that alerts school, the countdown to calling the police
// (the school's setting), "Call 911 now" full-screen when it ends, and "Found" in two taps.
// Every action is an outbox event, so it works with no signal; the screen is rebuilt from them.

import { journal, record } from "./journal.js";
import { here } from "./position.js";
import { formatDuration } from "./run-state.js";
import { latest, openLost, secondsLeft, tripEvents } from "./trip-state.js";
import { fill } from "./text.js";
import { takeOver } from "./form-takeover.js";

const root = document.getElementById("lost-screen");
const msg = root.dataset;
const tripId = Number(msg.trip);
const total = Number(msg.countdown);
const fromServer = JSON.parse(msg.lost);
const roster = JSON.parse(msg.roster);
const studentSelect = document.getElementById("lost-student");
const clockTime = (iso) => new Date(iso).toTimeString().slice(0, 5);
const lostForm = document.getElementById("lost-form");
const another = document.getElementById("lost-another");
const callNow = document.getElementById("call-now");
const CALLED = "muster.called."; // per report: "I have called" was tapped on this phone
let lost = [];
let reporting = false; // the form for another missing student is open

const nameOf = (item) => (roster[item.student_id] || {}).name || msg.msgUnknown;

// With a countdown running, the form for another student waits behind a button, so a second tap
// on the red button can't report the wrong child, or the same one twice.
function showForm() {
  const waiting = lost.length > 0 && !reporting;
  lostForm.hidden = waiting;
  another.hidden = !waiting;
  another.setAttribute("aria-expanded", String(!waiting));
  const searching = new Set(lost.map((l) => String(l.student_id)));
  for (const option of studentSelect.options) option.disabled = Boolean(option.value) && searching.has(option.value);
}

async function refresh({ preselect = false } = {}) {
  const events = tripEvents(await journal(), tripId);
  lost = openLost(fromServer, events);
  paintLost();
  showForm();
  const count = latest(events, "trip.headcount");
  if (preselect && count && count.payload.present) {
    // The first student the last headcount missed who is not already being searched for.
    const present = new Set(count.payload.present);
    const searching = new Set(lost.map((l) => l.student_id));
    const missing = Object.keys(roster).map(Number).find((id) => !present.has(id) && !searching.has(id));
    if (missing !== undefined) studentSelect.value = String(missing);
  }
  root.dataset.ready = "true"; // rebuilt from the phone's events (tests wait for this)
}

function line(className, textContent) {
  return Object.assign(document.createElement("p"), { className, textContent });
}

function paintLost() {
  const list = document.getElementById("lost-list");
  list.replaceChildren();
  for (const item of lost) {
    const li = document.createElement("li");
    li.className = "lost-item";
    li.dataset.lost = item.lost_id;
    const clock = Object.assign(document.createElement("output"), { className: "clock" });
    clock.dataset.started = item.started_at;
    clock.dataset.lost = item.lost_id;
    const status = line("lost-status", "");
    status.setAttribute("role", "status");
    const due = new Date(Date.parse(item.started_at) + total * 1000).toISOString();
    const when = item.last_seen_at ? clockTime(item.last_seen_at) : msg.msgNoTime; // never the report's time
    const sent = line("lost-sent", "");
    sent.dataset.lost = item.lost_id;
    const found = Object.assign(document.createElement("button"), { type: "button",
      className: "big primary", textContent: msg.msgFound });
    found.addEventListener("click", async () => {
      // Two taps: one slip of the thumb must not stop the countdown and the police-call alert.
      if (found.dataset.armed !== "true") {
        found.dataset.armed = "true";
        found.textContent = fill(msg.msgFoundConfirm, { name: nameOf(item) });
        return;
      }
      found.disabled = true;
      await record("trip.student_found", { lost_id: item.lost_id, trip_id: tripId });
      document.getElementById("lost-list").after(line("lost-done", msg.msgFoundDone));
      refresh({ preselect: true });
    });
    li.append(line("lost-name", nameOf(item)), clock, status,
      line("muted", fill(msg.msgDue, { time: clockTime(due) })),
      ...(item.description ? [line("", item.description)] : []),
      line("muted", fill(msg.msgLastSeen, { when, where: item.last_seen_where || "—" })), sent, found);
    list.append(li);
  }
  paintSent();
  tick();
}

// Whether school has each report yet: with no signal, the chaperone must know it hasn't.
function paintSent() {
  for (const el of document.querySelectorAll("#lost-list .lost-sent")) {
    const item = lost.find((l) => l.lost_id === el.dataset.lost);
    const sent = Boolean(item && item.sent);
    el.textContent = sent ? msg.msgAlerted : msg.msgNotSent;
    el.classList.toggle("not-sent-yet", !sent);
  }
}

async function sentChanged() {
  const now = openLost(fromServer, tripEvents(await journal(), tripId));
  for (const item of lost) item.sent = Boolean(now.find((l) => l.lost_id === item.lost_id)?.sent);
  paintSent();
}

// "Call 911 now", over everything, with what the police will ask: who, what they wear, where
// last seen, medical needs, and the roster's photo (kept on this phone with the trip).
function showCallNow(item) {
  const student = roster[item.student_id] || {};
  document.getElementById("call-now-name").textContent = nameOf(item);
  document.getElementById("call-now-grade").textContent = student.grade ? fill(msg.msgGrade, { g: student.grade }) : "";
  document.getElementById("call-now-description").textContent = item.description || "";
  document.getElementById("call-now-seen").textContent = fill(msg.msgLastSeen,
    { when: item.last_seen_at ? clockTime(item.last_seen_at) : msg.msgNoTime, where: item.last_seen_where || "—" });
  document.getElementById("call-now-medical").textContent = student.medical || "";
  const photo = document.getElementById("call-now-photo");
  photo.hidden = !student.photo;
  if (student.photo) { photo.src = student.photo; photo.alt = nameOf(item); }
  callNow.dataset.lost = item.lost_id;
  if (callNow.hidden) {
    callNow.hidden = false;
    document.body.classList.add("calling");
    callNow.querySelector(".call-now-call").focus();
  }
}

function tick() {
  let due = null;
  for (const clock of document.querySelectorAll("#lost-list .clock")) {
    const left = secondsLeft(clock.dataset.started, total);
    clock.textContent = formatDuration(Math.max(0, Math.ceil(left)));
    clock.classList.toggle("done", left <= 0);
    const status = clock.nextElementSibling; // a live region: speaks once, when time is up
    if (left <= 0 && status.textContent !== msg.msgUp) status.textContent = msg.msgUp;
    if (left <= 0 && !due && !localStorage.getItem(CALLED + clock.dataset.lost)) {
      due = lost.find((l) => l.lost_id === clock.dataset.lost);
    }
  }
  if (due) showCallNow(due);
}

async function startLost(event) {
  event.preventDefault();
  const form = event.target;
  const data = new FormData(form);
  const payload = { lost_id: crypto.randomUUID(), trip_id: tripId,
    student_id: data.get("student") ? Number(data.get("student")) : null,
    description: String(data.get("description") || "").trim().slice(0, 500),
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

takeOver(lostForm, startLost);
another.addEventListener("click", () => {
  reporting = true;
  showForm();
  studentSelect.focus();
});
document.getElementById("call-now-close").addEventListener("click", () => {
  localStorage.setItem(CALLED + callNow.dataset.lost, new Date().toISOString());
  callNow.hidden = true;
  document.body.classList.remove("calling");
});
window.addEventListener("outbox-changed", sentChanged);
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "synced") sentChanged(); // sent by the service worker's Background Sync
});
refresh({ preselect: true });
setInterval(tick, 1000);
