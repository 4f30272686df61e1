// The opt-in screen: ask the browser for a push subscription and give it to the server, or take
// it back. On iPhone and iPad this works only for the app opened from the Home Screen.
const box = document.getElementById("push-setup");
const msg = box.dataset;
const state = document.getElementById("push-state");
const on = document.getElementById("push-on");
const off = document.getElementById("push-off");
const csrf = () => JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"];

function applicationServerKey(base64url) {
  const raw = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function tellServer(url, body) {
  const response = await fetch(url, { method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}

async function paint(registration) {
  const subscription = await registration.pushManager.getSubscription();
  on.hidden = Boolean(subscription);
  off.hidden = !subscription;
  if (Notification.permission === "denied") {
    state.textContent = msg.msgDenied;
    on.hidden = true;
  } else if (subscription) state.textContent = msg.msgOn;
}

async function turnOn(registration) {
  on.disabled = true;
  try {
    if ((await Notification.requestPermission()) !== "granted") throw new Error(msg.msgDenied);
    const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true,
      applicationServerKey: applicationServerKey(msg.key) });
    await tellServer(msg.subscribe, { ...subscription.toJSON(), user_agent: navigator.userAgent });
    state.textContent = msg.msgOn;
  } catch (error) {
    state.textContent = msg.msgFailed.replace("%(error)s", error.message || String(error));
  } finally {
    on.disabled = false;
    paint(registration);
  }
}

async function turnOff(registration) {
  const subscription = await registration.pushManager.getSubscription();
  if (subscription) {
    await tellServer(msg.unsubscribe, { endpoint: subscription.endpoint }).catch(() => {});
    await subscription.unsubscribe();
  }
  state.textContent = msg.msgOff;
  paint(registration);
}

async function main() {
  const ios = /iphone|ipad|ipod/i.test(navigator.userAgent);
  const standalone = matchMedia("(display-mode: standalone)").matches || navigator.standalone;
  if (ios && !standalone) { document.getElementById("push-ios").hidden = false; return; }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    document.getElementById("push-unsupported").hidden = false;
    return;
  }
  const registration = await navigator.serviceWorker.ready;
  on.addEventListener("click", () => turnOn(registration));
  off.addEventListener("click", () => turnOff(registration));
  await paint(registration);
}

main();
