// Press-and-hold buttons: an alert is sent only after a steady 2-second hold, never by a stray tap.
// Works with touch, mouse, and the keyboard (hold Space or Enter).

const HOLD_MS = 2000;

/** Returns a function that changes the button's resting label (e.g. once an alert is raised). */
export function holdToConfirm(button, onConfirm, holdingMessage) {
  const meter = button.querySelector("progress");
  const label = button.firstChild;
  let original = label.textContent;
  let started = 0;
  let frame = 0;

  const tick = () => {
    const done = Math.min(1, (performance.now() - started) / HOLD_MS);
    if (meter) meter.value = done;
    if (done >= 1) {
      stop(false);
      onConfirm();
      return;
    }
    frame = requestAnimationFrame(tick);
  };
  const start = (event) => {
    if (started || button.disabled) return;
    event.preventDefault();
    started = performance.now();
    label.textContent = holdingMessage;
    frame = requestAnimationFrame(tick);
  };
  const stop = (reset = true) => {
    cancelAnimationFrame(frame);
    started = 0;
    label.textContent = original;
    if (meter && reset) meter.value = 0;
  };

  // Let go after the full 2 s on a phone too busy to draw the last frame: the hold was held.
  const release = () => {
    if (!started) return;
    if (performance.now() - started < HOLD_MS) {
      stop();
      return;
    }
    stop(false);
    onConfirm();
  };
  button.addEventListener("pointerdown", start);
  button.addEventListener("pointerup", release);
  for (const name of ["pointerleave", "pointercancel"]) {
    button.addEventListener(name, () => started && stop());
  }
  button.addEventListener("keydown", (event) => {
    if ((event.key === " " || event.key === "Enter") && !event.repeat) start(event);
  });
  button.addEventListener("keyup", (event) => {
    if (event.key === " " || event.key === "Enter") release();
  });
  button.addEventListener("click", (event) => event.preventDefault());
  button.addEventListener("contextmenu", (event) => event.preventDefault());
  button.dataset.armed = "true"; // a hold from now on is this module's (tests wait for it)
  return (text) => {
    original = text;
    if (!started) label.textContent = text;
  };
}
