// The composer's send button: only a steady 2-second hold sends (hold-button.js), never a tap.
import { holdToConfirm } from "./hold-button.js";

const form = document.getElementById("alert-send");
const button = form.querySelector("[data-hold]");
holdToConfirm(button, () => {
  form.querySelector("#held").value = "yes";
  button.disabled = true;
  form.submit();
}, form.dataset.holding);
