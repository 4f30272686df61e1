// The outbox's storage rules, against an in-memory IndexedDB. Sending is tested in Chromium
// against the real server (tests/browser/test_offline.py); here, what the phone keeps and why.
import "fake-indexeddb/auto";

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { beforeEach, test } from "node:test";
import { runInThisContext } from "node:vm";

globalThis.self = globalThis; // the script's scope: a page's window or the service worker's self
runInThisContext(readFileSync(new URL("../../web/static/js/outbox-core.js", import.meta.url), "utf8"));
const outbox = globalThis.MusterOutbox;

beforeEach(async () => {
  for (const event of await outbox.outbox()) await outbox.discard(event.id);
  outbox.setRecorder(1);
});

test("a recorded event waits in the outbox and is kept in the journal", async () => {
  const event = await outbox.record("note.recorded", { text: "Gate B open" });
  const [waiting] = await outbox.outbox();
  assert.equal(waiting.id, event.id);
  assert.equal(waiting.state, "pending");
  assert.equal(waiting.by, 1);
  assert.deepEqual((await outbox.counts()).events, 1);
  assert.ok((await outbox.journal()).some((e) => e.id === event.id && !e.sent));
});

test("accepted and duplicate leave the outbox; rejected stays with its reason; retry stays", async () => {
  const ids = [];
  for (const text of ["a", "d", "r", "t"]) ids.push((await outbox.record("note.recorded", { text })).id);
  await outbox.settle([{ id: ids[0], status: "accepted" }, { id: ids[1], status: "duplicate" },
    { id: ids[2], status: "rejected", reason: "too long" }, { id: ids[3], status: "retry" }]);
  const left = await outbox.outbox();
  assert.deepEqual(left.map((e) => [e.id, e.state, e.reason]),
    [[ids[2], "rejected", "too long"], [ids[3], "pending", null]]);
  const counts = await outbox.counts();
  assert.deepEqual([counts.pending, counts.rejected], [1, 1]);
  assert.ok((await outbox.journal()).find((e) => e.id === ids[0]).sent);
});

test("a refused event sent again goes under a new id; the refused one is gone", async () => {
  const old = await outbox.record("note.recorded", { text: "x".repeat(3000) });
  await outbox.settle([{ id: old.id, status: "rejected", reason: "at most 2000 characters" }]);
  const fresh = await outbox.resend(old.id, { text: "short" });
  assert.notEqual(fresh.id, old.id);
  assert.deepEqual((await outbox.outbox()).map((e) => [e.id, e.payload.text]), [[fresh.id, "short"]]);
});

test("an unsent alert is counted apart, with the time it was raised", async () => {
  const alert = await outbox.record("alert.raised", { kind: "panic" });
  await outbox.record("note.recorded", { text: "after" });
  const counts = await outbox.counts();
  assert.equal(counts.alerts, 1);
  assert.equal(counts.alertSince, alert.occurred_at);
});

test("on a shared phone each person's journal holds only their own events", async () => {
  await outbox.record("note.recorded", { text: "by one" });
  outbox.setRecorder(2);
  await outbox.record("note.recorded", { text: "by two" });
  assert.deepEqual((await outbox.journal()).map((e) => e.payload.text).filter((t) => t.startsWith("by")),
    ["by two"]);
});

test("drafts are per person and never sent", async () => {
  await outbox.keepDraft("report", { words: "blue van" });
  outbox.setRecorder(2);
  assert.equal(await outbox.draft("report"), undefined);
  outbox.setRecorder(1);
  assert.deepEqual(await outbox.draft("report"), { words: "blue van" });
  await outbox.dropDraft("report");
  assert.equal(await outbox.draft("report"), undefined);
  assert.equal((await outbox.counts()).pending, 0);
});

test("batches hold at most 100 events, and an event too large travels alone", () => {
  const small = Array.from({ length: 250 }, (_, n) => ({ id: String(n), type: "t", payload: {}, seq: n }));
  assert.deepEqual(outbox.batches(small).map((b) => b.length), [100, 100, 50]);
  const huge = { id: "big", type: "t", payload: { text: "x".repeat(950000) } };
  const sizes = outbox.batches([small[0], huge, small[1]]).map((b) => b.map((e) => e.id));
  assert.deepEqual(sizes, [["0"], ["big"], ["1"]]);
  assert.equal("seq" in outbox.batches(small)[0][0], false); // the phone's bookkeeping stays here
});

test("the device id is made once and kept", async () => {
  const first = await outbox.deviceId();
  assert.match(first, /^[0-9a-f-]{36}$/);
  assert.equal(await outbox.deviceId(), first);
});

test("the session check waits longer after each unanswered check, up to 20 s, and 4 s again once answered", () => {
  assert.equal(outbox.nextCheckMs(4000, false), 8000);
  assert.equal(outbox.nextCheckMs(8000, false), 16000);
  assert.equal(outbox.nextCheckMs(16000, false), 20000);
  assert.equal(outbox.nextCheckMs(20000, false), 20000);
  assert.equal(outbox.nextCheckMs(16000, true), 4000);
});

test("a server that never answers the check reads as unreachable, timed out, and the next check waits 8 s", async () => {
  await outbox.record("note.recorded", { text: "Gate B open" });
  const asked = [];
  const realFetch = globalThis.fetch;
  const realSetTimeout = globalThis.setTimeout;
  // A connection that opens and never answers; the deadline is passed at once (the wait is recorded).
  globalThis.fetch = (url, { signal }) => new Promise((_resolve, reject) => {
    signal.addEventListener("abort", () => reject(new Error("aborted")));
  });
  globalThis.setTimeout = (callback, ms) => { asked.push(ms); return realSetTimeout(callback, 0); };
  try {
    for (let n = 0; n < 2; n++) {
      await assert.rejects(outbox.syncOnce(), (error) => error instanceof outbox.Unreachable && error.timedOut);
    }
  } finally {
    globalThis.fetch = realFetch;
    globalThis.setTimeout = realSetTimeout;
  }
  assert.deepEqual(asked.filter((ms) => ms >= 4000), [4000, 8000]);
  assert.equal((await outbox.counts()).pending, 1); // nothing lost
});
