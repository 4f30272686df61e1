// The live page's "All clear" button: like sending any alert, only a steady 2-second hold sends.
import { holdToConfirm } from "./hold-button.js";

const form = document.getElementById("alert-end");
if (form) {
  const button = form.querySelector("[data-hold]");
  holdToConfirm(button, () => {
    form.querySelector("[name=held]").value = "yes";
    button.disabled = true;
    form.submit();
  }, form.dataset.holding);
}
