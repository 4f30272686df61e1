// The home screen's "Get safety alerts on this phone" card: shown until this phone has alerts on,
// or the person says "Not now" (then asked again after a week).
import { showNotice } from "./notices.js";

const card = document.getElementById("push-optin");
const KEY = "muster.push-optin";
const WEEK_MS = 7 * 86400000;

async function main() {
  if (!card || !("serviceWorker" in navigator)) return;
  const dismissed = Number(localStorage.getItem(KEY)) || 0;
  if (Date.now() - dismissed < WEEK_MS) return;
  const registration = await navigator.serviceWorker.ready;
  const subscribed = registration.pushManager && await registration.pushManager.getSubscription();
  if (subscribed) return;
  showNotice(card);
  document.getElementById("push-optin-dismiss").addEventListener("click", () => {
    localStorage.setItem(KEY, String(Date.now()));
    card.hidden = true;
  });
}

main();
