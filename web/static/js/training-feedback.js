// Feedback on a practice delivery: kept on the phone as a training.feedback_given event (the
// trainer at the depot, right after the session; a peer on the session's page), sent once.

import { record } from "./journal.js";
import { takeOver } from "./form-takeover.js";

const form = document.getElementById("feedback-form");
const $ = (selector) => document.querySelector(selector);

function showError(message) {
  const box = $("#feedback-errors");
  box.replaceChildren(Object.assign(document.createElement("p"), { textContent: message }));
  box.hidden = false;
  box.focus();
}

async function save(event) {
  event.preventDefault();
  const verdict = (form.querySelector("input[name=verdict]:checked") || {}).value;
  $("#fb-verdict").setAttribute("aria-invalid", String(!verdict));
  if (!verdict) { showError(form.dataset.msgNeedVerdict); return; }
  const button = $("#feedback-save");
  button.disabled = true;
  try {
    await record("training.feedback_given", {
      feedback_id: crypto.randomUUID(),
      session_id: form.dataset.session,
      went_well: form.elements.went_well.value.trim(),
      to_improve: form.elements.to_improve.value.trim(),
      verdict,
      given_at: new Date().toISOString(),
    });
  } catch (error) {
    button.disabled = false;
    showError(form.dataset.msgNotKept);
    return;
  }
  form.hidden = true;
  const saved = $("#feedback-saved");
  saved.hidden = false;
  saved.focus();
}

if (form) takeOver(form, save);
