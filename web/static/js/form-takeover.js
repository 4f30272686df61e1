// A form this app's script sends through the phone's outbox comes with its submit button
// disabled (data-until-script): a tap before the page's script ran would send the form as a
// plain GET, and what was typed would be lost. The script takes the form over, then the button
// can be pressed.

export function takeOver(form, onSubmit) {
  form.addEventListener("submit", onSubmit);
  for (const button of form.querySelectorAll("button[type=submit][data-until-script]")) {
    button.disabled = false;
  }
}
