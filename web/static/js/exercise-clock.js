// The facilitator's clock: the time since the exercise started ([data-clock-since]) and until or
// since each inject's minute ([data-clock-until], its words in data-before / data-after with
// "%(time)s"), from the server's times on the page, corrected by how far this device's clock is
// off the server's (data-server-now, when the page was made). Updated every second with no
// reload. Not a live region: a screen reader reads the clock when it reaches it, never each tick.

import { fill } from "./text.js";

/** Milliseconds as "m:ss", or "h:mm:ss" from an hour on; never negative. */
export function clockText(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** The words for an inject's moment ``left`` ms away (negative: already past). */
export function untilText(left, before, after) {
  return left > 0 ? fill(before, { time: clockText(left) }) : fill(after, { time: clockText(-left) });
}

function start(root) {
  const served = Date.parse(root.dataset.serverNow);
  const skew = Number.isNaN(served) ? 0 : served - Date.now();
  const tick = () => {
    const now = Date.now() + skew;
    for (const el of root.querySelectorAll("[data-clock-since]")) {
      el.textContent = clockText(now - Date.parse(el.dataset.clockSince));
    }
    for (const el of root.querySelectorAll("[data-clock-until]")) {
      const left = Date.parse(el.dataset.clockUntil) - now;
      el.textContent = untilText(left, el.dataset.before, el.dataset.after);
    }
  };
  tick();
  setInterval(tick, 1000);
}

if (typeof document !== "undefined") {
  const root = document.querySelector("[data-exercise-clock]");
  if (root) start(root);
}
