// The outbox page: what is waiting, what was refused and why, and a way to fix or let go.
import { refresh, syncNow } from "./sync-status.js";
import { takeOver } from "./form-takeover.js";

const outbox = self.MusterOutbox;
const page = document.getElementById("outbox-page");
const labels = JSON.parse(page.dataset.typeLabels);
const rowTemplate = document.getElementById("outbox-row");
// Events whose "Throw away" was tapped once; a re-render (after any sync) must keep that state.
const armed = new Set();

const checklists = JSON.parse(page.dataset.checklists);
const alertNames = JSON.parse(page.dataset.alertNames);
// Which checklist each run on this phone belongs to (an answer's event names only its run).
let runChecklists = new Map();

async function learnRuns() {
  const events = [...await outbox.journal(), ...await outbox.outbox()];
  runChecklists = new Map(events.filter((e) => e.type === "checklist.started")
    .map((e) => [e.payload.run_id, e.payload.checklist_id]));
}

// An item's words in the person's language, never its id: from its run's checklist, else from
// the one checklist that has an item of that id; a title at worst.
function itemText(runId, itemId) {
  const own = checklists[runChecklists.get(runId)];
  if (own) return own.items[itemId] || own.title;
  const holders = Object.values(checklists).filter((c) => itemId in c.items);
  return holders.length === 1 ? holders[0].items[itemId] : "";
}

function summary(event) {
  const p = event.payload || {};
  if (event.type === "note.recorded") return p.text;
  if (event.type === "report.filed") return p.activity; // the words the person will recognise
  if (event.type === "concern.raised") return p.what;
  if (event.type === "training.session_recorded") return p.notes || "";
  if (event.type === "alert.raised") return alertNames[p.kind] || "";
  if (p.item_id) return itemText(p.run_id, p.item_id);
  const checklist = checklists[p.checklist_id || runChecklists.get(p.run_id)];
  return checklist ? checklist.title : "";
}

function row(event) {
  const node = rowTemplate.content.firstElementChild.cloneNode(true);
  node.dataset.event = event.id;
  const title = labels[event.type] || event.type;
  // Practice says so here too (a practice run's own answers are rehearsal as well).
  const practice = event.payload && event.payload.practice;
  node.querySelector(".row-title").textContent = practice ? `${page.dataset.msgPractice} ${title}` : title;
  node.querySelector(".row-when").textContent = new Date(event.occurred_at)
    .toLocaleString(document.documentElement.lang);  // the person's language, not the browser's
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
  await learnRuns();
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

takeOver(document.getElementById("note-form"), async (event) => {
  event.preventDefault();
  const field = document.getElementById("note-text");
  if (!field.value.trim()) return;
  await outbox.record("note.recorded", { text: field.value.trim() });
  field.value = "";
  render();
});
window.addEventListener("outbox-changed", render);
render();
// The header's own "Send now" gives way to the status on the narrowest phones: this one is always here.
document.getElementById("outbox-send").addEventListener("click", syncNow);
