import assert from "node:assert/strict";
import { runFromUrl } from "./_helpers.ts";

Deno.test("mod.ts imported from an http URL runs the lecture example with only --allow-import", async () => {
  const { code, stdout, stderr } = await runFromUrl("tests/url_import_probe.ts");
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.deepEqual(result.output, [1, 3, 2]);
  assert.deepEqual(result.hN, [1, 1, 2]);
});
