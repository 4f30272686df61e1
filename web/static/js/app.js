// Page start-up. Small on purpose: htmx does the page work; later modules add the outbox and sync.

// Close the menu when a choice inside it is made, or when Escape is pressed.
const menu = document.querySelector("details.menu");
if (menu) {
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
}
