import assert from "node:assert/strict";
import { test } from "node:test";

import { fill } from "../../web/static/js/text.js";

test("each placeholder is filled by name, however often it appears", () => {
  assert.equal(fill("%(n)s saved, %(n)s waiting", { n: 3 }), "3 saved, 3 waiting");
  assert.equal(fill("%(who)s at %(where)s", { who: "Ana", where: "Gate B" }), "Ana at Gate B");
});

test("a sentence without placeholders is left as it is", () => {
  assert.equal(fill("All sent", {}), "All sent");
  assert.equal(fill("100% (n)s", { n: 1 }), "100% (n)s");
});
