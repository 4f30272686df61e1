// The live incident page: a log entry is an outbox event (incident.logged), so it is kept on
// this phone with no signal and joins the timeline, at the time it was typed, once it is sent.

import { takeOver } from "./form-takeover.js";
import { record } from "./journal.js";

const root = document.getElementById("incident");
const form = document.getElementById("log-form");

if (root && form) {
  const text = document.getElementById("log-text");
  const status = document.getElementById("log-status");
  takeOver(form, async (e) => {
    e.preventDefault();
    const words = text.value.trim();
    if (!words) return;
    const entryId = crypto.randomUUID();
    await record("incident.logged", {
      entry_id: entryId,
      incident_id: Number(root.dataset.incident),
      text: words,
    });
    text.value = "";
    status.textContent = root.dataset.msgSaved;
    waiting = entryId;
  });
  // Once the refreshed timeline shows the entry, the status says so: "saved on this phone"
  // would be stale, and in a crisis a stale word makes someone type it again.
  let waiting = null;
  document.body.addEventListener("htmx:afterSettle", () => {
    if (waiting && document.querySelector(`#timeline [data-entry="${waiting}"]`)) {
      status.textContent = root.dataset.msgLogged;
      waiting = null;
    }
  });
}
