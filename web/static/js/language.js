// The language switch, with or without a signal. The choice is kept on this phone first, so the
// service worker serves the kept pages in that language; the server is told as soon as it can be
// (now, or on the next page load with a signal), and until then the phone's choice wins.
const outbox = self.MusterOutbox;
const form = document.getElementById("language-form");
const TIMEOUT_MS = 4000;

async function tellServer(code) {
  const body = new FormData(form);
  body.set("locale", code);
  body.set("next", location.pathname);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(form.action, { method: "POST", body, redirect: "manual",
      credentials: "same-origin", signal: controller.signal });
    return response.type === "opaqueredirect" || response.ok;
  } catch (error) {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function choose(code) {
  await outbox.chooseLocale(code, true);
  if (await tellServer(code)) await outbox.chooseLocale(code, false);
  location.reload();
}

// A choice made offline: told to the server now that it answers, and the page shown in it.
async function catchUp() {
  const chosen = await outbox.chosenLocale().catch(() => null);
  if (!chosen || !chosen.pending) return;
  if (!(await tellServer(chosen.code))) return;
  await outbox.chooseLocale(chosen.code, false);
  if (document.documentElement.lang !== chosen.code) location.reload();
}

if (form) {
  form.addEventListener("submit", (event) => {
    if (!event.submitter || event.submitter.name !== "locale") return;
    event.preventDefault();
    choose(event.submitter.value);
  });
  catchUp();
}
