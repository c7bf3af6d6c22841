// maxAbsDifference, which decides the CLI's check and the peer benchmark's agreement.

import assert from "node:assert/strict";
import { maxAbsDifference } from "../_compare.ts";

Deno.test("maxAbsDifference() gives the largest difference; NaN equals only NaN", () => {
  assert.equal(maxAbsDifference([1, 2, 3], [1, 2.5, 2]), 1);
  assert.equal(maxAbsDifference([NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity]), 0);
  assert.equal(maxAbsDifference([Infinity, 0], [-Infinity, 0]), Infinity);
  assert.equal(maxAbsDifference([1, 2], [1, 2, 3]), Infinity);
  // A NaN against a number is NaN wherever it stands, so no tolerance passes it.
  for (const at of [0, 1, 2]) {
    const a = [1, 2, 3], b = [1, 2, 4];
    a[at] = NaN;
    assert.ok(Number.isNaN(maxAbsDifference(a, b)), `NaN at ${at}`);
    assert.ok(Number.isNaN(maxAbsDifference(b, a)), `NaN at ${at}, other side`);
  }
});
