// TEMPORARY (not committed): localStorage journal until the outbox module lands.
const KEY = "tmp-journal";
export async function journal() { return JSON.parse(localStorage.getItem(KEY) || "[]"); }
export async function record(type, payload) {
  const event = { id: crypto.randomUUID(), type, occurred_at: new Date().toISOString(), payload };
  const all = await journal(); all.push(event); localStorage.setItem(KEY, JSON.stringify(all));
  return event;
}
