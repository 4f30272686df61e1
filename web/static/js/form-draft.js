// A form's typed values kept on this phone as a draft (journal.js), so what was typed survives
// a reload until the form is saved: radios by the one checked, files never (photos are kept
// apart, as blobs).
import { draft, keepDraft } from "./journal.js";

export function keepFormDraft(form, name) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name || el.type === "file") continue;
    if (el.type === "radio") { if (el.checked) values[el.name] = el.value; } else values[el.name] = el.value;
  }
  keepDraft(name, values).catch(() => {});
}

export async function restoreFormDraft(form, name) {
  const values = (await draft(name).catch(() => null)) || {};
  for (const [key, value] of Object.entries(values)) {
    const el = form.elements[key];
    if (!el) continue;
    if (el instanceof RadioNodeList) {
      for (const radio of el) radio.checked = radio.value === value;
    } else el.value = value;
  }
}
