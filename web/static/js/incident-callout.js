// The incident's team call-out: only a steady 2-second hold sends it (hold-button.js), never a
// tap. Without this module the button posts to the confirm step instead.
import { holdToConfirm } from "./hold-button.js";

const form = document.getElementById("callout-form");
if (form) {
  const button = form.querySelector("[data-hold]");
  holdToConfirm(button, () => {
    form.querySelector("[name=confirm]").value = "yes";
    button.disabled = true;
    form.submit();
  }, form.dataset.holding);
  form.dataset.ready = "true"; // a hold from now on is this module's (tests wait for it)
}
