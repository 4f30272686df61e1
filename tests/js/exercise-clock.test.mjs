import assert from "node:assert/strict";
import { test } from "node:test";

import { clockText, untilText } from "../../web/static/js/exercise-clock.js";

test("a duration shows as m:ss, and h:mm:ss from an hour on", () => {
  assert.equal(clockText(0), "0:00");
  assert.equal(clockText(59_999), "0:59");
  assert.equal(clockText(754_000), "12:34");
  assert.equal(clockText(3_600_000 + 65_000), "1:01:05");
  assert.equal(clockText(-5_000), "0:00");
});

test("an inject's moment reads as to come, or as past", () => {
  assert.equal(untilText(90_000, "in %(time)s", "%(time)s ago"), "in 1:30");
  assert.equal(untilText(-30_000, "in %(time)s", "%(time)s ago"), "0:30 ago");
  assert.equal(untilText(0, "in %(time)s", "%(time)s ago"), "0:00 ago");
});
