// A form that does something to many people (sends an alert, an all clear, starts a drill): only
// a steady 2-second hold on its button submits it, never a stray tap. The form carries a hidden
// "held" field, which the server checks.
import { holdToConfirm } from "./hold-button.js";

for (const form of document.querySelectorAll("form[data-hold-form]")) {
  const button = form.querySelector("[data-hold]");
  holdToConfirm(button, () => {
    form.querySelector("[name=held]").value = "yes";
    button.disabled = true;
    form.submit();
  }, form.dataset.holding);
}
