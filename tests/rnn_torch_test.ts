// RNN.forward() against outputs that real PyTorch (torch 1.13) produced:
// tests/fixtures/make_rnn_fixtures.py wrote every file in tests/fixtures/rnn/.

import assert from "node:assert/strict";
import { RNN } from "../mod.ts";
import { assertAllClose, type Fixture, loadFixtures, toTensor } from "./_helpers.ts";

const fixtures = loadFixtures("rnn");

Deno.test("the torch fixtures cover what the core issue asks for", () => {
  const has = (predicate: (f: Fixture) => boolean) => fixtures.some(predicate);
  assert.ok(fixtures.length >= 50, `${fixtures.length} fixtures`);
  assert.ok(has((f) => f.name === "lecture-example"));
  const seqLen = (f: Fixture) =>
    f.input.shape.length === 3 && f.options.batchFirst ? f.input.shape[1] : f.input.shape[0];
  assert.ok(has((f) => seqLen(f) === 1) && has((f) => seqLen(f) > 256));
  for (const h of [1, 2, 3, 5, 17, 64, 130]) {
    assert.ok(has((f) => f.options.hiddenSize === h), `hidden ${h}`);
  }
  for (const layers of [1, 2, 3, 4]) {
    assert.ok(has((f) => f.options.numLayers === layers), `layers ${layers}`);
  }
  assert.ok(
    has((f) => f.input.shape.length === 3 && f.input.shape[f.options.batchFirst ? 0 : 1] === 33),
  );
  assert.ok(has((f) => f.input.shape.length === 2));
  assert.ok(has((f) => f.options.bidirectional) && has((f) => f.options.nonlinearity === "relu"));
  assert.ok(has((f) => !f.options.bias) && has((f) => f.h0 !== null));
  assert.ok(has((f) => f.input.data.some((x) => Math.abs(x) >= 20)));
  assert.ok(has((f) => f.input.data.every((x) => Math.abs(x) < 1e-5)));
});

/** The worst error seen per kernel build and activation: absolute for tanh, relative to max(1, |expected|) for relu. */
const worst: Record<string, { error: number; name: string }> = {};

for (const simd of ["relaxed", "strict"] as const) {
  for (const fixture of fixtures) {
    const { name, options } = fixture;
    Deno.test(`RNN.forward() (${simd}) matches torch for ${name}`, () => {
      const rnn = new RNN({ ...options, simd });
      rnn.loadStateDict(
        Object.fromEntries(Object.entries(fixture.stateDict).map(([k, v]) => [k, toTensor(v)])),
      );
      const [output, hN] = rnn.forward(
        toTensor(fixture.input),
        fixture.h0 ? toTensor(fixture.h0) : undefined,
      );
      // relu is unbounded: its tolerance scales with the magnitude, 1e-5 · max(1, |expected|).
      const rtol = options.nonlinearity === "relu" ? 1e-5 : 0;
      for (
        const [label, actual, expected] of [["output", output, fixture.output], [
          "hN",
          hN,
          fixture.hN,
        ]] as const
      ) {
        assertAllClose(actual, expected, { atol: 1e-5, rtol, label: `${name} ${label}` });
        const key = `${simd} ${options.nonlinearity}`;
        const error = scaledWorstError(actual.data, expected.data, rtol > 0);
        if (error >= (worst[key]?.error ?? 0)) worst[key] = { error, name: `${name} ${label}` };
      }
    });
  }
}

function scaledWorstError(actual: Float32Array, expected: number[], relative: boolean): number {
  let error = 0;
  expected.forEach((e, i) => {
    error = Math.max(error, Math.abs(actual[i] - e) / (relative ? Math.max(1, Math.abs(e)) : 1));
  });
  return error;
}

Deno.test("the worst error against torch stays well inside the tolerance (printed for the record)", () => {
  for (const [key, { error, name }] of Object.entries(worst)) {
    console.log(`${key}: ${error.toExponential(2)} (${name})`);
  }
  // tanh's rational approximation errs by about 3e-7; a regression to a coarser one would show here.
  assert.ok(worst["relaxed tanh"].error < 2e-6 && worst["strict tanh"].error < 2e-6);
});
