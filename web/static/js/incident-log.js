// The live incident page: a log entry is an outbox event (incident.logged), so it is kept on
// this phone with no signal and joins the timeline, at the time it was typed, once it is sent.

import { record } from "./journal.js";

const root = document.getElementById("incident");
const form = document.getElementById("log-form");

if (root && form) {
  const text = document.getElementById("log-text");
  const status = document.getElementById("log-status");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const words = text.value.trim();
    if (!words) return;
    await record("incident.logged", {
      entry_id: crypto.randomUUID(),
      incident_id: Number(root.dataset.incident),
      text: words,
    });
    text.value = "";
    status.textContent = root.dataset.msgSaved;
  });
}
