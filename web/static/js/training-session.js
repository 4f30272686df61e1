// A training session, recorded where there may be no signal (a bus depot): kept on the phone
// first as a training.session_recorded event in the outbox, sent once when there is a
// connection. What was typed and who was picked survive a reload as a draft.

import { dropDraft, draft, keepDraft, record } from "./journal.js";
import { takeOver } from "./form-takeover.js";

const form = document.getElementById("session-form");
const msg = form.dataset;
const $ = (selector) => document.querySelector(selector);
const DRAFT = "training-session";
const FUTURE_SLACK_MS = 5 * 60 * 1000;
const publicAudiences = new Set(msg.public.split(" "));

function localNow() {
  const now = new Date();
  now.setSeconds(0, 0);
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

const text = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");
const audience = () => (form.querySelector("input[name=audience]:checked") || {}).value || "";
const boxes = () => [...form.querySelectorAll("input[name=people]")];
const picked = () => boxes().filter((box) => box.checked);
const names = () => text("names").split("\n").map((n) => n.trim()).filter(Boolean);
const isPublic = () => publicAudiences.has(audience());
const count = () => (isPublic() ? Number(text("count") || 0) : 0);

function values() {
  const kept = {};
  for (const name of ["lesson", "school_id", "held_at", "names", "count", "notes", "presenter_id"]) {
    kept[name] = form.elements[name].value;
  }
  kept.audience = audience();
  kept.practice = form.elements.practice.checked;
  kept.people = picked().map((box) => box.value);
  return kept;
}

const saveDraft = () => keepDraft(DRAFT, values()).catch(() => {});

async function restoreDraft() {
  const kept = (await draft(DRAFT).catch(() => null)) || {};
  for (const [name, value] of Object.entries(kept)) {
    if (name === "people") {
      const chosen = new Set(value);
      for (const box of boxes()) box.checked = chosen.has(box.value);
    } else if (name === "audience") {
      for (const radio of form.querySelectorAll("input[name=audience]")) radio.checked = radio.value === value;
    } else if (name === "practice") {
      form.elements.practice.checked = Boolean(value);
    } else if (name !== "presenter_id" && form.elements[name]) {
      form.elements[name].value = value;
    }
  }
  return kept.presenter_id || "";
}

// The presenter is one of those picked; the count only for parents and students.
function showParts(presenter = form.elements.presenter_id.value) {
  $("#s-count-box").hidden = !isPublic();
  $("#s-presenter-box").hidden = !form.elements.practice.checked;
  const select = form.elements.presenter_id;
  const first = select.options[0];
  select.replaceChildren(first, ...picked().map((box) => {
    const option = new Option(box.dataset.label, box.value);
    option.selected = box.value === presenter;
    return option;
  }));
  const status = $("#s-picked");
  const n = picked().length;
  status.textContent = n ? status.dataset.some.replace("{n}", String(n)) : status.dataset.none;
}

function filterPeople() {
  const wanted = $("#s-find").value.trim().toLowerCase();
  for (const label of form.querySelectorAll("#s-people label")) {
    label.hidden = Boolean(wanted) && !label.dataset.name.includes(wanted) && !label.querySelector("input").checked;
  }
}

function problems() {
  const found = [];
  const mark = (el, bad) => { if (el) el.setAttribute("aria-invalid", String(bad)); };
  const need = (ok, message, el) => { mark(el, !ok); if (!ok) found.push(message); };
  need(text("lesson"), msg.msgNeedLesson, $("#s-lesson"));
  need(audience(), msg.msgNeedAudience, $("#f-audience"));
  need(picked().length || names().length || count() > 0, msg.msgNeedPeople, $("#f-people"));
  if (form.elements.practice.checked) need(text("presenter_id"), msg.msgNeedPresenter, $("#s-presenter"));
  const when = new Date(text("held_at")).getTime();
  need(!(when > Date.now() + FUTURE_SLACK_MS), msg.msgFuture, $("#s-held_at"));
  return found;
}

function showErrors(messages) {
  const box = $("#session-errors");
  box.replaceChildren(Object.assign(document.createElement("p"), { textContent: msg.msgErrors }),
    ...messages.map((m) => Object.assign(document.createElement("p"), { textContent: m })));
  box.hidden = false;
  box.focus();
}

/** The training.session_recorded event, into the outbox; throws when the phone can't keep it. */
async function keep() {
  const when = text("held_at") ? new Date(text("held_at")) : new Date();
  const practice = form.elements.practice.checked;
  const payload = {
    session_id: crypto.randomUUID(),
    lesson: text("lesson"),
    audience: audience(),
    held_at: (Number.isNaN(when.getTime()) ? new Date() : when).toISOString(),
    people: picked().map((box) => Number(box.value)),
    names: names(),
    count: count(),
    notes: text("notes"),
    practice,
  };
  if (text("school_id")) payload.school_id = Number(text("school_id"));
  if (practice) payload.presenter_id = Number(text("presenter_id"));
  await record("training.session_recorded", payload);
  return payload;
}

async function save(event) {
  event.preventDefault();
  const found = problems();
  if (found.length) { showErrors(found); return; }
  const button = $("#session-save");
  button.disabled = true;
  let kept;
  try {
    kept = await keep();
  } catch (error) {
    button.disabled = false; // what was typed stays, as a draft
    showErrors([msg.msgNotKept]);
    return;
  }
  await dropDraft(DRAFT).catch(() => {});
  const lesson = form.elements.lesson.selectedOptions[0].textContent;
  const came = kept.people.length + kept.names.length + kept.count;
  const summary = $("#session-saved-summary");
  summary.textContent = summary.dataset.template.replace("{lesson}", lesson).replace("{n}", String(came));
  form.hidden = true;
  $("#session-guidance").hidden = true;
  if (kept.practice) {
    $("#feedback-form").dataset.session = kept.session_id;
    $("#session-feedback").hidden = false;
  }
  const done = $("#session-saved");
  done.hidden = false;
  done.focus();
}

async function init() {
  const presenter = await restoreDraft();
  if (!form.elements.held_at.value) form.elements.held_at.value = localNow();
  showParts(presenter);
  filterPeople();
  form.addEventListener("change", () => { showParts(); saveDraft(); });
  form.addEventListener("input", (event) => {
    if (event.target.id === "s-find") { filterPeople(); return; }
    saveDraft();
  });
  takeOver(form, save);
}

init();
