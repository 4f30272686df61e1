// The outbox page: what is waiting, what was refused and why, and a way to fix or let go.
import { refresh, syncNow } from "./sync-status.js";

const outbox = self.MusterOutbox;
const page = document.getElementById("outbox-page");
const labels = JSON.parse(page.dataset.typeLabels);
const rowTemplate = document.getElementById("outbox-row");
// Events whose "Throw away" was tapped once; a re-render (after any sync) must keep that state.
const armed = new Set();

function summary(event) {
  const p = event.payload || {};
  if (event.type === "note.recorded") return p.text;
  if (event.type === "report.filed") return p.activity; // the words the person will recognise
  if (p.item_id) return p.item_id;
  return p.checklist_id || p.kind || "";
}

function row(event) {
  const node = rowTemplate.content.firstElementChild.cloneNode(true);
  node.dataset.event = event.id;
  node.querySelector(".row-title").textContent = labels[event.type] || event.type;
  node.querySelector(".row-when").textContent = new Date(event.occurred_at).toLocaleString();
  node.querySelector(".row-summary").textContent = summary(event);
  const reason = node.querySelector(".row-reason");
  reason.textContent = event.reason || "";
  reason.hidden = !event.reason;
  if (event.state === "rejected") {
    node.querySelector(".row-actions").hidden = false;
    const fix = node.querySelector(".row-fix");
    const editable = event.type === "note.recorded";
    if (editable) {
      fix.hidden = false;
      fix.querySelector("textarea").value = event.payload.text || "";
      fix.querySelector("textarea").id = `fix-${event.id}`;
      fix.querySelector("label").htmlFor = `fix-${event.id}`;
    }
    node.querySelector("[data-resend]").onclick = async () => {
      const payload = editable ? { ...event.payload, text: fix.querySelector("textarea").value } : null;
      await outbox.resend(event.id, payload);
      await render();
      syncNow();
    };
    const discard = node.querySelector("[data-discard]");
    const arm = () => {
      discard.dataset.armed = "true";
      discard.textContent = page.dataset.msgDiscardConfirm;
    };
    if (armed.has(event.id)) arm();
    discard.onclick = async () => {
      if (!armed.has(event.id)) { // two taps: throwing away is on purpose, never an accident
        armed.add(event.id);
        arm();
        return;
      }
      armed.delete(event.id);
      await outbox.discard(event.id);
      await render();
      refresh();
    };
  }
  return node;
}

function fill(list, events, empty) {
  list.replaceChildren(...(events.length ? events.map(row)
    : [Object.assign(document.createElement("li"), { className: "card muted", textContent: empty })]));
}

async function render() {
  // A re-render (after every sync) must not wipe a fix being typed: keep edits and focus.
  const edits = new Map([...page.querySelectorAll("textarea")].map((t) => [t.id, t.value]));
  const focused = document.activeElement && document.activeElement.id;
  const events = await outbox.outbox();
  fill(document.getElementById("outbox-waiting"), events.filter((e) => e.state === "pending"),
       page.dataset.msgNone);
  fill(document.getElementById("outbox-attention"), events.filter((e) => e.state === "rejected"),
       page.dataset.msgNoAttention);
  for (const [id, value] of edits) {
    const field = document.getElementById(id);
    if (field) field.value = value;
  }
  if (focused) document.getElementById(focused)?.focus();
}

document.getElementById("note-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const field = document.getElementById("note-text");
  if (!field.value.trim()) return;
  await outbox.record("note.recorded", { text: field.value.trim() });
  field.value = "";
  render();
});
window.addEventListener("outbox-changed", render);
render();
