import assert from "node:assert/strict";
import { test } from "node:test";

import {
  foldRun, formatDuration, isAnswered, isShown, isStale, missingCritical, runsOf, stepTotal,
} from "../../web/static/js/run-state.js";

const at = (minute) => `2026-12-02T06:${String(minute).padStart(2, "0")}:00.000Z`;
const started = (run, minute, checklist = "threat-call") => ({ type: "checklist.started",
  occurred_at: at(minute), payload: { run_id: run, checklist_id: checklist, version: 2 } });
const answered = (run, minute, item, value) => ({ type: "checklist.answered",
  occurred_at: at(minute), payload: { run_id: run, item_id: item, value } });

test("a run folds from its events: the last answer to an item stands", () => {
  const run = foldRun([started("r1", 0), answered("r1", 1, "arrived-by", "phone"),
    answered("r1", 2, "arrived-by", "note"),
    { type: "checklist.completed", occurred_at: at(5), payload: { run_id: "r1", skipped: ["x"] } }]);
  assert.equal(run.checklist, "threat-call");
  assert.equal(run.answers.get("arrived-by").value, "note");
  assert.deepEqual(run.completed, { at: at(5), skipped: ["x"] });
  assert.equal(run.touchedAt, at(5));
});

test("runs of one checklist, newest first, whatever order the journal holds them in", () => {
  const events = [answered("old", 3, "a", true), started("new", 10), started("old", 1),
    started("other", 2, "bus-pre-route"), { type: "report.filed", payload: {} }];
  assert.deepEqual(runsOf(events, "threat-call").map((r) => r.id), ["new", "old"]);
  assert.equal(runsOf(events, "threat-call")[1].answers.get("a").value, true);
});

test("a run untouched for longer than its checklist allows is stale", () => {
  const run = foldRun([started("r", 0), answered("r", 10, "a", "x")]);
  assert.equal(isStale(run, 30, Date.parse(at(39))), false);
  assert.equal(isStale(run, 30, Date.parse(at(41))), true);
});

test("what counts as answered: No does, an empty text or an empty choice does not", () => {
  assert.equal(isAnswered({ value: false }), true);
  assert.equal(isAnswered({ value: "" }), false);
  assert.equal(isAnswered({ value: [] }), false);
  assert.equal(isAnswered({ value: ["a"] }), true);
  assert.equal(isAnswered(undefined), false);
});

test("items shown by a rule: equals, includes, and before the question is answered", () => {
  const answers = new Map([["q", { value: "yes" }], ["chips", { value: ["voice", "accent"] }]]);
  assert.equal(isShown({ item: "q", equals: "yes" }, answers), true);
  assert.equal(isShown({ item: "q", equals: "no" }, answers), false);
  assert.equal(isShown({ item: "chips", includes: "accent" }, answers), true);
  assert.equal(isShown({ item: "later", equals: "x" }, answers), false);
  assert.equal(isShown({ item: "later", equals: "x", unanswered: true }, answers), true);
});

test("critical items still open are those shown and unanswered", () => {
  const items = [{ id: "call-911", critical: true }, { id: "note", critical: false },
    { id: "pack", critical: true, rule: { item: "wound", equals: "torso" } }];
  assert.deepEqual(missingCritical(items, new Map()).map((i) => i.id), ["call-911"]);
  const torso = new Map([["wound", { value: "torso" }], ["call-911", { value: true }]]);
  assert.deepEqual(missingCritical(items, torso).map((i) => i.id), ["pack"]);
});

test("the step count only goes down as answers close branches", () => {
  const items = [{ id: "wound" },
    { id: "tourniquet", rule: { item: "wound", equals: "limb" } },
    { id: "second", rule: { item: "wound", equals: "limb" } },
    { id: "pack", rule: { item: "wound", equals: "torso" } },
    { id: "pressure" }];
  const before = stepTotal(items, new Map());
  assert.equal(before, 4); // the larger branch (limb: 2) counts while the question is open
  assert.equal(stepTotal(items, new Map([["wound", { value: "torso" }]])), 3);
  assert.ok(stepTotal(items, new Map([["wound", { value: "limb" }]])) <= before);
});

test("durations read as m:ss, and h:mm:ss past an hour", () => {
  assert.equal(formatDuration(0), "0:00");
  assert.equal(formatDuration(61.9), "1:01");
  assert.equal(formatDuration(7203), "2:00:03");
  assert.equal(formatDuration(-5), "0:00");
});
