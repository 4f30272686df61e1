// Account for your class: each tap is an outbox event (accounting.marked), so it is kept on this
// phone with no signal, survives a reload and is sent when it can. What the page shows is the
// server's marks when it was fetched, with this phone's own taps since on top (the latest tap for
// a class and a student stands, as on the server).

import { draft, journal, keepDraft, record } from "./journal.js";
import { here } from "./position.js";
import { fill } from "./text.js";

const root = document.getElementById("accounting");
const msg = root.dataset;
const incidentId = Number(msg.incident);
const pick = document.getElementById("class-pick");
const DRAFT = `accounting-${incidentId}`;
const clockTime = (iso) => new Date(iso).toTimeString().slice(0, 5);
let position = null;

/** The latest mark for each "class:student": the server's, then this phone's taps since. */
async function marks() {
  const latest = new Map();
  const put = (klass, student, mark, note, at) => {
    const key = `${klass}:${student}`;
    const known = latest.get(key);
    if (!known || known.at <= at) latest.set(key, { mark, note, at });
  };
  for (const m of JSON.parse(msg.marks || "[]")) put(m.class, m.student, m.mark, m.note, m.at);
  for (const e of await journal()) {
    const p = e.payload;
    if (e.type !== "accounting.marked" || !p || p.incident_id !== incidentId) continue;
    put(p.class_id, p.student_id, p.mark, p.note || "", e.occurred_at);
  }
  for (const [key, value] of latest) if (value.mark === "cleared") latest.delete(key);
  return latest;
}

const classId = () => Number(pick.value);
const section = () => root.querySelector(`.acc-class[data-class="${classId()}"]`);
const rows = () => [...section().querySelectorAll(".acc-student")];

async function mark(student, value, note = "") {
  await record("accounting.marked", {
    mark_id: crypto.randomUUID(), incident_id: incidentId, class_id: classId(),
    student_id: Number(student), mark: value, note,
  });
  await paint();
}

async function paint() {
  for (const s of root.querySelectorAll(".acc-class")) s.hidden = Number(s.dataset.class) !== classId();
  const latest = await marks();
  const klass = classId();
  let accounted = 0;
  const missing = [];
  const unmarked = [];
  for (const row of rows()) {
    const m = latest.get(`${klass}:${row.dataset.student}`);
    const button = row.querySelector("button.student");
    const select = row.querySelector("select");
    const noteLabel = row.querySelector(".acc-note");
    const value = m ? m.mark : "";
    button.setAttribute("aria-pressed", String(value === "present"));
    select.value = ["missing", "injured", "absent"].includes(value) ? value : "";
    noteLabel.hidden = value !== "injured";
    const input = noteLabel.querySelector("input");
    if (value === "injured" && document.activeElement !== input) input.value = m.note || "";
    row.dataset.mark = value;
    const name = button.textContent.trim();
    if (["present", "injured", "absent"].includes(value)) accounted += 1;
    else if (value === "missing") missing.push(name);
    else unmarked.push(name);
  }
  let line = fill(msg.msgStatus, { n: accounted, total: rows().length });
  if (missing.length) line += ` ${msg.msgMissing} ${missing.join(", ")}.`;
  if (unmarked.length) line += ` ${msg.msgUnmarked} ${unmarked.join(", ")}.`;
  document.getElementById("acc-status").textContent = line;
  const extras = document.getElementById("extras");
  extras.replaceChildren();
  const names = new Map([...document.querySelectorAll("#school-students option")]
    .map((o) => [o.dataset.student, o.value]));
  for (const [key, value] of latest) {
    const [k, student] = key.split(":");
    if (Number(k) !== klass || value.mark !== "extra") continue;
    const li = document.createElement("li");
    li.className = "card acc-extra";
    li.dataset.student = student;
    li.append(`${names.get(student) || student} `);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = msg.msgRemove;
    remove.addEventListener("click", () => mark(student, "cleared"));
    li.append(remove);
    extras.append(li);
  }
  root.dataset.ready = "true";
}

if (pick) {
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button.student");
    if (!button) return;
    const pressed = button.getAttribute("aria-pressed") === "true";
    mark(button.dataset.student, pressed ? "cleared" : "present");
  });
  root.addEventListener("change", (event) => {
    const target = event.target;
    if (target.classList.contains("acc-mark")) {
      const note = target.closest("li").querySelector(".acc-note-input").value.trim();
      mark(target.dataset.student, target.value || "cleared", target.value === "injured" ? note : "");
    } else if (target.classList.contains("acc-note-input")) {
      mark(target.dataset.student, "injured", target.value.trim().slice(0, 500));
    }
  });
  async function markRest(value) {
    for (const row of rows()) if (!row.dataset.mark) await mark(row.dataset.student, value);
  }
  document.getElementById("rest-missing").addEventListener("click", () => markRest("missing"));
  document.getElementById("rest-absent").addEventListener("click", () => markRest("absent"));
  document.getElementById("extra-add").addEventListener("click", async () => {
    const input = document.getElementById("extra-name");
    const option = [...document.querySelectorAll("#school-students option")]
      .find((o) => o.value === input.value.trim());
    const error = document.getElementById("extra-error");
    if (!option) { error.textContent = msg.msgExtraUnknown; return; }
    error.textContent = "";
    input.value = "";
    await mark(option.dataset.student, "extra");
  });
  document.getElementById("acc-position").addEventListener("click", async () => {
    position = await here(5000);
    document.getElementById("acc-position-status").textContent = position
      ? fill(msg.msgPosition, { m: Math.round(position.accuracy) }) : msg.msgNoPosition;
  });
  document.getElementById("acc-send").addEventListener("click", async () => {
    const site = document.getElementById("acc-site").value;
    const payload = { report_id: crypto.randomUUID(), incident_id: incidentId, class_id: classId(),
      place: document.getElementById("acc-place").value.trim().slice(0, 200) };
    if (site) payload.site_id = Number(site);
    if (position) payload.position = position;
    const saved = await record("accounting.reported", payload);
    document.getElementById("acc-saved").textContent = fill(msg.msgSaved, { time: clockTime(saved.occurred_at) });
  });
  pick.addEventListener("change", () => {
    keepDraft(DRAFT, { class: classId() }).catch(() => {});
    document.getElementById("acc-saved").textContent = "";
    paint();
  });
  const kept = await draft(DRAFT).catch(() => null);
  if (kept && root.querySelector(`.acc-class[data-class="${kept.class}"]`)) pick.value = String(kept.class);
  await paint();
} else {
  root.dataset.ready = "true";
}
