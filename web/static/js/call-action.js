// "Call an action" and the home screen's panic button: each a hold-to-send field alert
// (field-alert.js). "?practice=1" rehearses: the banner shows, and the alerts reach nobody.
import { holdToRaise, rewatchAll } from "./field-alert.js";
import { journal } from "./journal.js";

const root = document.querySelector("[data-field-alerts]") || document.getElementById("call-action");
const msg = root.dataset;
const practising = new URLSearchParams(location.search).has("practice");
const buttons = [...root.querySelectorAll("[data-hold][data-alert]")];
const statusOf = (button) => button.closest("li, section").querySelector("[data-alert-status]");

if (practising) {
  document.body.classList.add("practice");
  document.getElementById("practice-banner").hidden = false;
  const offer = document.getElementById("practice-offer");
  if (offer) offer.hidden = true;
}

for (const button of buttons) {
  const label = button.firstChild.textContent.trim();
  holdToRaise(button, {
    payload: () => {
      const school = root.querySelector("input[name=school]:checked")?.value;
      return { kind: button.dataset.alert, ...(school && { school_id: Number(school) }),
        ...(practising && { practice: true }) };
    },
    status: statusOf(button),
    msg,
    again: `${label}: ${msg.msgHoldAgain}`,
  });
}

// After a reload: this page's alerts that have not left the phone yet are watched again.
const events = await journal();
const kinds = new Map(buttons.map((button) => [button.dataset.alert, button]));
const unsent = events.filter((event) => event.type === "alert.raised" && !event.sent
  && !event.payload.run_id && kinds.has(event.payload.kind));
rewatchAll(events, unsent, (event) => statusOf(kinds.get(event.payload.kind)), msg);
