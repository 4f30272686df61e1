// Page start-up: the service worker, the sync loop and its status, the menu.
import "./sw-register.js";
import "./sync-status.js";
import "./language.js";

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
