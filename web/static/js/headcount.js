// The headcount: tap each student who is here (or count by number), see who is missing by name,
// and save it with where and when. The saved headcount is an outbox event; a count half done
// survives a reload as a draft (student ids only, never names).

import { draft, dropDraft, journal, keepDraft, record } from "./journal.js";
import { here } from "./position.js";
import { latest, missingFrom, tripEvents } from "./trip-state.js";
import { fill } from "./text.js";
import { takeOver } from "./form-takeover.js";

const root = document.getElementById("headcount");
const msg = root.dataset;
const tripId = Number(msg.trip);
const buttons = [...root.querySelectorAll("button.student")];
const roster = buttons.map((b) => Number(b.dataset.student));
const nameOf = new Map(buttons.map((b) => [Number(b.dataset.student), b.textContent.trim()]));
const form = document.getElementById("headcount-form");
const countInput = document.getElementById("hc-count");
const clockTime = (iso) => new Date(iso).toTimeString().slice(0, 5);
const DRAFT = `headcount-${tripId}`; // kept per person on the phone (outbox-core.js)
const placeInput = document.getElementById("hc-place");

const byName = () => form.elements.mode.value === "names";
const present = () => buttons.filter((b) => b.getAttribute("aria-pressed") === "true")
  .map((b) => Number(b.dataset.student));

function paint() {
  document.getElementById("by-name").hidden = !byName();
  document.getElementById("by-number").hidden = byName();
  const missing = missingFrom(roster, present());
  const line = fill(msg.msgStatus, { n: roster.length - missing.length, total: roster.length });
  const who = missing.length ? `${msg.msgMissing} ${missing.map((id) => nameOf.get(id)).join(", ")}`
    : msg.msgAll;
  document.getElementById("hc-status").textContent = `${line}. ${who}`;
  document.getElementById("hc-tally").textContent = line; // stays in sight down a long roster
}

function saveDraft() {
  const draft = { mode: form.elements.mode.value, present: present(), counted: countInput.value,
    place: placeInput.value };
  keepDraft(DRAFT, draft).catch(() => {});
}

async function restoreDraft() {
  const kept = await draft(DRAFT).catch(() => null);
  if (!kept) return;
  const here = new Set(kept.present || []);
  for (const b of buttons) b.setAttribute("aria-pressed", String(here.has(Number(b.dataset.student))));
  form.elements.mode.value = kept.mode === "number" ? "number" : "names";
  countInput.value = String(Number(kept.counted) || 0);
  placeInput.value = String(kept.place || "");
}

function showLast(last) {
  if (!last) return;
  let text = fill(msg.msgLast, { time: clockTime(last.at), n: last.counted, total: last.expected });
  const missing = (last.missing || []).map((id) => nameOf.get(id)).filter(Boolean);
  if (missing.length) text += ` ${msg.msgMissing} ${missing.join(", ")}`;
  document.getElementById("last-headcount").textContent = text;
}

async function lastKnown() {
  const fromServer = JSON.parse(msg.last || "null");
  const mine = latest(tripEvents(await journal(), tripId), "trip.headcount");
  if (!mine || (fromServer && fromServer.at > mine.occurred_at)) return fromServer;
  const p = mine.payload;
  const counted = p.present ? p.present.length : p.counted;
  const missing = p.present ? missingFrom(roster, p.present) : [];
  return { at: mine.occurred_at, counted, expected: roster.length, missing };
}

async function save(event) {
  event.preventDefault();
  const payload = { headcount_id: crypto.randomUUID(), trip_id: tripId,
    place: placeInput.value.trim().slice(0, 200) };
  let missing = 0;
  if (byName()) {
    payload.present = present();
    missing = roster.length - payload.present.length;
  } else {
    payload.counted = Math.max(0, Number(countInput.value) || 0);
    missing = Math.max(0, roster.length - payload.counted);
  }
  const position = await here(3000);
  if (position) payload.position = position;
  const saved = await record("trip.headcount", payload);
  await dropDraft(DRAFT).catch(() => {});
  document.getElementById("hc-saved").textContent = fill(msg.msgSaved, { time: clockTime(saved.occurred_at) });
  document.getElementById("hc-missing-help").hidden = missing === 0;
  showLast(await lastKnown());
}

for (const button of buttons) {
  button.addEventListener("click", () => {
    button.setAttribute("aria-pressed", String(button.getAttribute("aria-pressed") !== "true"));
    paint();
    saveDraft();
  });
}
document.getElementById("all-here").addEventListener("click", () => {
  for (const b of buttons) b.setAttribute("aria-pressed", "true");
  paint();
  saveDraft();
});
document.getElementById("clear-all").addEventListener("click", () => {
  for (const b of buttons) b.setAttribute("aria-pressed", "false");
  paint();
  saveDraft();
});
for (const step of root.querySelectorAll("[data-step]")) {
  step.addEventListener("click", () => {
    countInput.value = Math.max(0, (Number(countInput.value) || 0) + Number(step.dataset.step));
    saveDraft();
  });
}
for (const radio of form.elements.mode) radio.addEventListener("change", () => { paint(); saveDraft(); });
countInput.addEventListener("input", saveDraft);
placeInput.addEventListener("input", saveDraft);
takeOver(form, save);
await restoreDraft();
paint();
showLast(await lastKnown());
root.dataset.ready = "true";
