// Buttons marked data-print open the browser's print dialog (the page has a print layout).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
