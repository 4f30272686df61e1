// Page start-up: the service worker, the sync loop and its status, the menu.
import "./sw-register.js";
import "./sync-status.js";
import "./language.js";

// The sticky header must not cover what a jump or focus brings into view (a countdown just
// started, "#lost" from the headcount, a form's list of errors): scrolling stops below it,
// however tall it is now (the outbox line wraps on a small phone).
const header = document.querySelector(".app-header");
if (header) {
  const clear = () => {
    document.documentElement.style.scrollPaddingTop = `${header.offsetHeight + 8}px`;
  };
  new ResizeObserver(clear).observe(header);
  clear();
}

// Close the menu with Escape, and return focus to its button.
const menu = document.querySelector("details.menu");
if (menu) {
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
}
