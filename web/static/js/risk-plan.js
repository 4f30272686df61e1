// The risk plan page: the lightning rule's countdown. "Thunder heard" is an outbox
// event, so it works at a game with no signal; each new thunder starts the wait again.

import { journal, record } from "./journal.js";
import { formatDuration } from "./run-state.js";

const root = document.getElementById("risk-plan");
const msg = root.dataset;
const planId = Number(msg.plan);
const wait = Number(msg.minutes) * 60;
const clock = document.getElementById("lightning-clock");
const status = document.getElementById("lightning-status");
let last = msg.lastThunder || null;

async function load() {
  for (const e of await journal()) {
    if (e.type === "risk.thunder_heard" && e.payload.plan_id === planId && (!last || e.occurred_at > last)) {
      last = e.occurred_at;
    }
  }
  tick();
}

function tick() {
  const left = last ? wait - (Date.now() - Date.parse(last)) / 1000 : 0;
  clock.textContent = formatDuration(Math.max(0, Math.ceil(left)));
  const text = left > 0 ? msg.msgWait.replace("%(time)s", formatDuration(Math.ceil(left))) : msg.msgClear;
  const shown = left > 0 ? "wait" : "clear";
  if (status.dataset.shown !== shown) { status.textContent = text; status.dataset.shown = shown; }
}

document.getElementById("thunder").addEventListener("click", async () => {
  const event = await record("risk.thunder_heard", { plan_id: planId });
  last = event.occurred_at;
  tick();
});
load();
setInterval(tick, 1000);
