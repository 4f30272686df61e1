// "I'm safe" / "Need help" on the alert page: an outbox event, so it is kept on the phone and sent
// when there is a signal. "Need help" adds where the phone is, when the person lets it.
import { journal, record } from "./journal.js";

const box = document.getElementById("answer");
const status = document.getElementById("answer-status");
const alertId = box.dataset.alert;
const POSITION_WAIT_MS = 5000;

function position() {
  if (!navigator.geolocation || !document.getElementById("share-position").checked) {
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => resolve({ latitude: coords.latitude, longitude: coords.longitude,
                                accuracy: coords.accuracy }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: POSITION_WAIT_MS, maximumAge: 60000 });
  });
}

function show(response, sent) {
  for (const button of box.querySelectorAll("[data-response]")) {
    button.setAttribute("aria-pressed", String(button.dataset.response === response));
  }
  if (!response) return;
  const said = response === "help" ? box.dataset.msgHelp : box.dataset.msgSafe;
  status.textContent = sent ? said : `${said} ${box.dataset.msgSaved}`;
}

async function answer(response) {
  const payload = { alert_id: alertId, response };
  if (response === "help") {
    const where = await position();
    if (where) payload.position = where;
  }
  await record("alert.acknowledged", payload);
  show(response, false);
}

async function main() {
  const mine = (await journal()).filter((e) => e.type === "alert.acknowledged"
    && e.payload.alert_id === alertId);
  const last = mine[mine.length - 1];
  if (last) show(last.payload.response, last.sent);
  else show(box.dataset.given, true);
  for (const button of box.querySelectorAll("[data-response]")) {
    button.addEventListener("click", () => answer(button.dataset.response));
  }
  window.addEventListener("outbox-changed", async () => {
    const events = (await journal()).filter((e) => e.type === "alert.acknowledged"
      && e.payload.alert_id === alertId);
    const latest = events[events.length - 1];
    if (latest) show(latest.payload.response, latest.sent);
  });
}

main();
