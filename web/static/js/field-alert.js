// Alerts raised in the field (the panic button, the five actions, a checklist's alert button),
// all the same way: a steady 2-second hold, then 5 seconds to undo, then watched until the alert
// has left the phone. Until it has, "NOT SENT: call 911" stays on screen and the phone keeps
// trying every few seconds. The alert is in the outbox from the moment the hold ends (a reload or
// a closed tab never loses it); the server holds it those 5 seconds, and an undo is an event too,
// so both work with no signal. The words come from data-msg-* attributes (_alert_messages.html).

import { holdToConfirm } from "./hold-button.js";
import { record } from "./journal.js";
import { here } from "./position.js";
import { syncNow } from "./sync-status.js";
import { fill } from "./text.js";

export const UNDO_MS = 5000;
const GRACE_MS = 3000;
const RETRY_MS = 5000;

// Where the phone is, for an alert, and only if the person allowed it before: a permission prompt
// must never pop up in the middle of a press-and-hold. An alert never waits for it.
let lastPosition = null;
export async function notePosition() {
  try {
    const { state } = await navigator.permissions.query({ name: "geolocation" });
    if (state === "granted") lastPosition = (await here(3000)) || lastPosition;
  } catch (error) {
    // no Permissions API: the alert goes without a position
  }
}

/** Make ``button`` raise an alert on a 2-second hold. ``payload()`` gives the alert.raised
 *  payload (kind and the rest, no id); ``status`` is its _alert_status.html box; ``msg`` the
 *  data-msg-* words; ``onRaised(alertId, event)`` runs once the alert is on the phone;
 *  ``again`` the button's label once one is raised (default: "Hold only to send another");
 *  ``onState(state)`` hears each step: undo, sending, not-sent, sent, undone. */
export function holdToRaise(button, { payload, status, msg, onRaised, again, onState = () => {} }) {
  notePosition(); // now, and again as a hold starts: ready when the hold ends, if allowed
  button.addEventListener("pointerdown", notePosition);
  const original = button.firstChild.textContent;
  const relabel = holdToConfirm(button, async () => {
    const body = { alert_id: crypto.randomUUID(), ...(await payload()),
      ...(lastPosition && { position: lastPosition }) };
    const event = await record("alert.raised", body);
    relabel(again || msg.msgHoldAgain); // another hold sends another alert, on purpose
    if (onRaised) await onRaised(body.alert_id, event);
    offerUndo(status, body, event, msg, () => relabel(original), onState);
  }, msg.msgHold);
  return relabel;
}

function offerUndo(status, body, event, msg, onUndone, onState) {
  const bar = status.querySelector("[data-undo]");
  const text = status.querySelector("[data-undo-text]");
  const undo = status.querySelector("[data-undo-button]");
  const line = status.querySelector(".answer-status");
  const deadline = Date.parse(event.occurred_at) + UNDO_MS;
  status.dataset.delivery = "undo";
  onState("undo");
  line.textContent = "";
  bar.hidden = false;
  undo.disabled = false;
  undo.focus();
  const show = () => {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    text.textContent = fill(msg.msgUndo, { n: Math.max(left, 0) });
  };
  show();
  const timer = setInterval(() => {
    show();
    if (Date.now() >= deadline) finish(false);
  }, 250);
  const finish = async (undone) => {
    clearInterval(timer);
    undo.removeEventListener("click", onUndo);
    bar.hidden = true;
    if (undone) {
      undo.disabled = true;
      await record("alert.undone", { alert_id: body.alert_id });
      onUndone(); // nothing went: the button reads as before
      status.dataset.delivery = "undone";
      onState("undone");
      line.textContent = msg.msgUndone;
      line.focus?.();
    } else {
      watch(status, event.id, deadline, msg, Boolean(body.practice), onState);
    }
  };
  const onUndo = () => { if (Date.now() < deadline) finish(true); };
  undo.addEventListener("click", onUndo);
}

/** Watch an alert's event until it has left the phone; say "NOT SENT: call 911" meanwhile. */
export function watch(status, eventId, since, msg, practice = false, onState = () => {}) {
  const box = status.querySelector(".not-sent");
  const line = status.querySelector(".answer-status");
  status.dataset.delivery = "waiting";
  line.textContent = msg.msgSending;
  onState("sending");
  let retry = null;
  const check = async () => {
    const waiting = (await self.MusterOutbox.outbox()).find((event) => event.id === eventId);
    if (!waiting) {
      status.dataset.delivery = "sent";
      box.hidden = true;
      line.textContent = practice ? msg.msgPractice : msg.msgDelivered;
      onState("sent");
      clearInterval(retry);
      window.removeEventListener("outbox-changed", check);
      return;
    }
    if (waiting.state === "rejected" || Date.now() - since > GRACE_MS) {
      box.hidden = false;
      status.querySelector(".not-sent-reason").textContent = waiting.reason || "";
      line.textContent = msg.msgSent;
      onState("not-sent");
    }
  };
  window.addEventListener("outbox-changed", check);
  retry = setInterval(() => { syncNow(); check(); }, RETRY_MS);
  setTimeout(check, GRACE_MS + 100);
  check();
}

function rewatch(status, event, msg, onState) {
  if (event.sent) {
    onState("sent");
    status.dataset.delivery = "sent";
    status.querySelector(".answer-status").textContent = event.payload.practice
      ? msg.msgPractice : msg.msgDelivered;
  } else {
    watch(status, event.id, Date.parse(event.occurred_at), msg, Boolean(event.payload.practice),
      onState);
  }
}

/** After a reload: each of ``raised`` (alert.raised events, oldest first) whose status box
 *  ``statusFor(event)`` finds is shown again: undone, sent, or watched until it is;
 *  ``onLive(event)`` for each that was not undone. */
export function rewatchAll(journalEvents, raised, statusFor, msg, onLive = () => {},
  onState = () => {}) {
  const undone = new Set(journalEvents.filter((event) => event.type === "alert.undone")
    .map((event) => event.payload.alert_id));
  for (const event of raised) {
    const status = statusFor(event);
    if (!status) continue;
    if (undone.has(event.payload.alert_id)) {
      status.dataset.delivery = "undone";
      status.querySelector(".answer-status").textContent = msg.msgUndone;
    } else {
      onLive(event);
      rewatch(status, event, msg, (state) => onState(event, state));
    }
  }
}
