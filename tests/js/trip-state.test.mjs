import assert from "node:assert/strict";
import { test } from "node:test";

import {
  latest, missingFrom, nextCheckin, openLost, secondsLeft, tripEvents,
} from "../../web/static/js/trip-state.js";

const at = (minute) => `2026-12-02T10:${String(minute).padStart(2, "0")}:00.000Z`;
const lost = (id, student, minute) => ({ type: "trip.student_lost", occurred_at: at(minute),
  payload: { trip_id: 7, lost_id: id, student_id: student, description: "red coat" } });
const found = (id, minute) => ({ type: "trip.student_found", occurred_at: at(minute),
  payload: { trip_id: 7, lost_id: id } });

test("a trip's events, oldest first, and no other trip's", () => {
  const events = [lost("b", 2, 5), { type: "trip.checkin", occurred_at: at(1), payload: { trip_id: 7 } },
    { type: "trip.checkin", occurred_at: at(0), payload: { trip_id: 8 } }];
  assert.deepEqual(tripEvents(events, 7).map((e) => e.occurred_at), [at(1), at(5)]);
});

test("the same student reported from two phones is one search; the earliest stands", () => {
  const open = openLost([], [lost("second", 4, 6), lost("first", 4, 3)].sort(
    (a, b) => a.occurred_at.localeCompare(b.occurred_at)));
  assert.deepEqual(open.map((l) => l.lost_id), ["first"]);
});

test("found closes the report, and any earlier report of the same student", () => {
  const server = [{ lost_id: "s", student_id: 4, started_at: at(1), description: "" }];
  assert.deepEqual(openLost(server, [lost("p", 4, 2), found("p", 9)]), []);
  assert.equal(openLost(server, [])[0].sent, true);
  assert.equal(openLost([], [lost("p", 4, 2)])[0].sent, false);
});

test("a countdown's seconds left go negative once it has run out", () => {
  assert.equal(secondsLeft(at(0), 600, Date.parse(at(4))), 360);
  assert.equal(secondsLeft(at(0), 600, Date.parse(at(12))), -120);
});

test("who is missing from a count by name", () => {
  assert.deepEqual(missingFrom([1, 2, 3, 4], [2, 4]), [1, 3]);
});

test("the newest event of a type", () => {
  const events = [lost("a", 1, 1), found("a", 2), lost("b", 2, 3)];
  assert.equal(latest(events, "trip.student_lost").payload.lost_id, "b");
  assert.equal(latest(events, "trip.checkin"), null);
});

test("the check-in most likely next follows the plan's stops", () => {
  assert.equal(nextCheckin(null, ["museum"]), "departed");
  assert.equal(nextCheckin({ kind: "departed" }, ["museum", "park"]), "arrived");
  assert.equal(nextCheckin({ kind: "departed" }, []), "returning");
  assert.equal(nextCheckin({ kind: "arrived", stop_id: "museum" }, ["museum", "park"]), "arrived");
  assert.equal(nextCheckin({ kind: "arrived", stop_id: "park" }, ["museum", "park"]), "returning");
  assert.equal(nextCheckin({ kind: "returning" }, ["museum"]), "back");
  assert.equal(nextCheckin({ kind: "back" }, ["museum"]), null);
});
