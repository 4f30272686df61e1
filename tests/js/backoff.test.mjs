import assert from "node:assert/strict";
import { test } from "node:test";

import { BASE_MS, CAP_MS, RETRY_MS, nextTry } from "../../web/static/js/backoff.js";

const offline = (failures, random) =>
  nextTry({ reachable: false, signIn: false, failures, waiting: true }, () => random);

test("nothing to try for: signed out, or the server is there and nothing waits", () => {
  assert.equal(nextTry({ reachable: true, signIn: false, failures: 0, waiting: false }), null);
  assert.equal(nextTry({ reachable: false, signIn: true, failures: 3, waiting: true }), null);
});

test("the server answered but kept some events: try again in half a minute", () => {
  assert.equal(nextTry({ reachable: true, signIn: false, failures: 0, waiting: true }), RETRY_MS);
});

test("unreachable: the wait doubles from 2 s, spread by a quarter either way", () => {
  assert.equal(offline(0, 0.5), BASE_MS);
  assert.equal(offline(1, 0.5), 2 * BASE_MS);
  assert.equal(offline(3, 0.5), 8 * BASE_MS);
  assert.equal(offline(1, 0), 0.75 * 2 * BASE_MS);
  assert.ok(offline(1, 0.999999) < 1.25 * 2 * BASE_MS);
});

test("unreachable with nothing waiting is still tried, so 'Offline' ends with the outage", () => {
  const delay = nextTry({ reachable: false, signIn: false, failures: 0, waiting: false }, () => 0.5);
  assert.equal(delay, BASE_MS);
});

test("a phone offline all day still tries every five minutes or so", () => {
  for (const failures of [8, 10, 50, 10000]) {
    assert.equal(offline(failures, 0.5), CAP_MS);
    assert.ok(offline(failures, 0.999999) < 1.25 * CAP_MS);
  }
});
