// Reunification on a phone, with no signal if need be: find a student, check the adult against
// the pick-up list (custody notes in red), record the photo ID and the release. A release is an
// outbox event (reunification.released); the server keeps the first release of a student, and a
// later one from another phone comes back rejected with who took them and when: shown here and
// under "Needs attention".

import { journal, record } from "./journal.js";
import { fill } from "./text.js";
import { takeOver } from "./form-takeover.js";

const root = document.getElementById("reunification");
const msg = root.dataset;
const incidentId = Number(msg.incident);
const students = JSON.parse(document.getElementById("reu-data").dataset.students || "[]");
const byId = new Map(students.map((s) => [s.id, s]));
const search = document.getElementById("reu-search");
const results = document.getElementById("reu-results");
const panel = document.getElementById("reu-student");
const form = document.getElementById("reu-form");
const clockTime = (iso) => new Date(iso).toTimeString().slice(0, 5);
let chosen = null;

/** Releases known here: the server's when the page came, and this phone's own since. */
async function releases() {
  const found = new Map();
  for (const r of JSON.parse(msg.released || "[]")) found.set(r.student, { ...r, sent: true });
  const refused = new Set();
  for (const item of await self.MusterOutbox.outbox()) {
    if (item.type === "reunification.released" && item.state === "rejected") refused.add(item.id);
  }
  for (const e of await journal()) {
    const p = e.payload;
    if (e.type !== "reunification.released" || !p || p.incident_id !== incidentId) continue;
    if (refused.has(e.id) || found.has(p.student_id)) continue;
    found.set(p.student_id, { student: p.student_id, to: p.released_to, by: "", at: e.occurred_at, sent: e.sent, mine: true });
  }
  return found;
}

/** This phone's releases the server refused: [{student, reason}]. */
async function refusals() {
  const out = [];
  for (const item of await self.MusterOutbox.outbox()) {
    if (item.type !== "reunification.released" || item.state !== "rejected") continue;
    if (item.payload.incident_id === incidentId) out.push({ student: item.payload.student_id, reason: item.reason });
  }
  return out;
}

function matches(text) {
  const words = text.trim().toLowerCase();
  if (!words) return [];
  return students.filter((s) => s.name.toLowerCase().includes(words) || s.grade.toLowerCase() === words
    || `grade ${s.grade}`.toLowerCase() === words).slice(0, 30);
}

async function list() {
  const done = await releases();
  results.replaceChildren();
  const found = matches(search.value);
  if (search.value.trim() && !found.length) {
    const li = document.createElement("li");
    li.className = "card muted";
    li.textContent = msg.msgNone;
    results.append(li);
  }
  for (const s of found) {
    const li = document.createElement("li");
    li.className = "card";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "big wide reu-pick";
    button.dataset.student = s.id;
    button.textContent = s.name + (s.grade ? ` · ${fill(msg.msgGrade, { g: s.grade })}` : "");
    if (done.has(s.id)) button.textContent += " ✓";
    button.addEventListener("click", () => show(s.id));
    li.append(button);
    results.append(li);
  }
}

async function show(id) {
  chosen = byId.get(id);
  panel.hidden = false;
  document.getElementById("reu-name").textContent = chosen.name;
  const custody = document.getElementById("reu-custody");
  custody.textContent = chosen.custody;
  custody.hidden = !chosen.custody;
  const box = document.getElementById("reu-guardians");
  box.replaceChildren();
  const allowed = chosen.guardians.filter((g) => g.may_pick_up);
  for (const g of chosen.guardians) {
    const label = document.createElement("label");
    label.className = g.may_pick_up ? "choice" : "choice not-allowed";
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "guardian";
    radio.value = g.id;
    radio.disabled = !g.may_pick_up;
    label.append(radio, ` ${g.name}`);
    if (g.relationship) label.append(` (${g.relationship})`);
    if (g.phone) label.append(` · ${g.phone}`);
    const note = document.createElement("strong");
    note.textContent = ` ${g.may_pick_up ? msg.msgMay : msg.msgMayNot}`;
    label.append(note);
    box.append(label);
  }
  if (!allowed.length) {
    const p = document.createElement("p");
    p.className = "custody-notes";
    p.textContent = msg.msgNoGuardians;
    box.append(p);
  }
  document.getElementById("reu-error").textContent = "";
  form.reset();
  await paintDone();
  document.getElementById("reu-name").scrollIntoView();
}

async function paintDone() {
  if (!chosen) return;
  const done = (await releases()).get(chosen.id);
  const refused = (await refusals()).find((r) => r.student === chosen.id);
  const line = document.getElementById("reu-done");
  line.classList.toggle("refused", Boolean(refused && !done));
  if (refused && !done) {
    line.textContent = fill(msg.msgRefused, { reason: refused.reason });
    form.hidden = true;
    return;
  }
  if (!done) line.textContent = "";
  else if (done.mine && !done.sent) line.textContent = fill(msg.msgSaved, { time: clockTime(done.at) });
  else line.textContent = fill(msg.msgReleased, { to: done.to, by: done.by || (done.mine ? msg.msgYou : "—"), time: clockTime(done.at) });
  form.hidden = Boolean(done);
}

async function paintRefusals() {
  const reasons = await refusals();
  document.getElementById("reu-refused").textContent = reasons
    .map(({ reason }) => fill(msg.msgRefused, { reason })).join(" ");
}

takeOver(form, async (event) => {
  event.preventDefault();
  const picked = form.querySelector("input[name=guardian]:checked");
  const guardian = picked && chosen.guardians.find((g) => String(g.id) === picked.value);
  if (!guardian || !guardian.may_pick_up) {
    document.getElementById("reu-error").textContent = msg.msgChoose;
    return;
  }
  await record("reunification.released", {
    release_id: crypto.randomUUID(), incident_id: incidentId, student_id: chosen.id,
    guardian_id: guardian.id, released_to: guardian.name,
    id_checked: document.getElementById("reu-id").value.trim().slice(0, 100),
  });
  await paintDone();
  await list();
});
// The team's counts, asked again every 10 s: releases on other phones show without a reload.
// With no signal the last counts stay. (The header keeps the request past the service worker.)
const COUNTS_EVERY_MS = 10000;
async function refreshCounts() {
  const shown = document.getElementById("reu-counts");
  try {
    const response = await fetch(shown.dataset.src, { headers: { "HX-Request": "true" } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const counts = fresh.getElementById("reu-counts");
    if (counts) shown.replaceWith(counts);
  } catch (error) {
    // offline: the counts shown stay until the next try
  }
}
setInterval(refreshCounts, COUNTS_EVERY_MS);

search.addEventListener("input", list);
self.addEventListener("outbox-changed", () => { paintDone(); paintRefusals(); list(); });
await paintRefusals();
root.dataset.ready = "true";
