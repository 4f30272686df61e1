// "I'm worried about someone": the concern is kept on the phone first (a concern.raised event in
// the outbox), so it works with no signal; a half-filled form survives a reload as a draft. The
// sender sees only that it is saved, then sent: never the team's record of it.

import { keepFormDraft, restoreFormDraft } from "./form-draft.js";
import { dropDraft, record } from "./journal.js";
import { takeOver } from "./form-takeover.js";

const form = document.getElementById("concern-form");
const msg = form.dataset;
const $ = (selector) => document.querySelector(selector);
const DRAFT = "concern"; // typing kept per person on the phone (outbox-core.js)
const FUTURE_SLACK_MS = 5 * 60 * 1000;

function localNow() {
  const now = new Date();
  now.setSeconds(0, 0);
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

const text = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");

function choice(name) {
  const checked = form.querySelector(`input[name=${name}]:checked`);
  return checked ? checked.value : "";
}

function showDanger() {
  $("#concern-danger").hidden = choice("danger_now") !== "yes";
}

const saveDraft = () => keepFormDraft(form, DRAFT);
const restoreDraft = () => restoreFormDraft(form, DRAFT);

function problems() {
  const found = [];
  const mark = (el, bad) => { if (el) el.setAttribute("aria-invalid", String(bad)); };
  const need = (ok, message, el) => { mark(el, !ok); if (!ok) found.push(message); };
  need(choice("danger_now"), msg.msgNeedDanger, $("#f-danger_now"));
  need(text("what"), msg.msgNeedWhat, $("#c-what"));
  need(text("place"), msg.msgNeedPlace, $("#c-place"));
  need(choice("how_known"), msg.msgNeedHow, $("#f-how_known"));
  const when = new Date(text("happened_at")).getTime();
  need(!(when > Date.now() + FUTURE_SLACK_MS), msg.msgFuture, $("#c-happened_at"));
  return found;
}

function showErrors(messages) {
  const box = $("#concern-errors");
  box.replaceChildren(Object.assign(document.createElement("p"), { textContent: msg.msgErrors }),
    ...messages.map((m) => Object.assign(document.createElement("p"), { textContent: m })));
  box.hidden = false;
  box.focus();
}

/** The concern.raised event, into the outbox; throws when the phone can't keep it. */
async function keep() {
  const when = text("happened_at") ? new Date(text("happened_at")) : new Date();
  const payload = {
    concern_id: crypto.randomUUID(),
    what: text("what"),
    exact_words: text("exact_words"),
    place: text("place"),
    happened_at: (Number.isNaN(when.getTime()) ? new Date() : when).toISOString(),
    witnesses: text("witnesses"),
    how_known: choice("how_known"),
    how_known_detail: text("how_known_detail"),
    danger_now: choice("danger_now") === "yes",
  };
  if (text("school_id")) payload.school_id = Number(text("school_id"));
  await record("concern.raised", payload);
  return payload;
}

async function save(event) {
  event.preventDefault();
  const found = problems();
  if (found.length) { showErrors(found); return; }
  const button = $("#concern-save");
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
  form.hidden = true;
  $("#concern-guidance").hidden = true;
  $("#concern-911").hidden = true;
  $("#concern-saved-danger").hidden = !kept.danger_now;
  const done = $("#concern-saved");
  done.hidden = false;
  done.focus();
}

async function init() {
  await restoreDraft();
  if (!form.elements.happened_at.value) form.elements.happened_at.value = localNow();
  showDanger();
  form.addEventListener("change", (event) => {
    if (event.target.name === "danger_now") showDanger();
    saveDraft();
  });
  form.addEventListener("input", saveDraft);
  takeOver(form, save);
}

init();
