// Installs the service worker, tells it which pages this person needs offline, offers updates
// when a new version has installed completely, and offers installing the app (politely).

import { showNotice } from "./notices.js";

const banner = document.getElementById("update-ready");

async function register() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const offer = (worker) => {
    showNotice(banner);
    document.getElementById("update-now").onclick = () => worker.postMessage({ type: "skip-waiting" });
  };
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!reloading && !banner.hidden) { reloading = true; location.reload(); }
  });
  const pages = JSON.parse(document.body.dataset.offlinePages || "[]");
  const ready = await navigator.serviceWorker.ready;
  // A page whose document arrived just after the worker activated and claimed the open pages
  // (a navigation under way during the first install) is left without a controller: ask again.
  if (!navigator.serviceWorker.controller) ready.active.postMessage({ type: "claim" });
  const languages = JSON.parse(document.body.dataset.otherLanguages || "[]");
  if (pages.length) ready.active.postMessage({ type: "cache-pages", urls: pages, languages });
}

// Install: Chrome's prompt only when offered, iOS Safari a short hint; "Not now" is remembered.
function installHint() {
  const hint = document.getElementById("install-hint");
  if (!hint || localStorage.getItem("muster.install") === "dismissed") return;
  const standalone = matchMedia("(display-mode: standalone)").matches || navigator.standalone;
  if (standalone || document.body.dataset.signedIn !== "true") return;
  document.getElementById("install-dismiss").onclick = () => {
    localStorage.setItem("muster.install", "dismissed");
    hint.hidden = true;
  };
  const ios = /iphone|ipad|ipod/i.test(navigator.userAgent) && !/crios|fxios/i.test(navigator.userAgent);
  if (ios) {
    document.getElementById("install-ios").hidden = false;
    showNotice(hint);
  }
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    const button = document.getElementById("install-app");
    button.hidden = false;
    showNotice(hint);
    button.onclick = async () => {
      event.prompt();
      await event.userChoice;
      hint.hidden = true;
    };
  });
}

register().catch(() => { /* no service worker: pages still work online */ });
installHint();
