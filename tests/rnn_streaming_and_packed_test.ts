// Streaming with RNN.step() and padded batches with forward(..., { lengths }).

import assert from "node:assert/strict";
import { RNN, Tensor } from "../mod.ts";
import { referenceForward } from "../_reference.ts";
import { assertAllClose, loadFixtures, randomTensor, seededRandom, toTensor } from "./_helpers.ts";

for (const fixture of loadFixtures("packed")) {
  for (const simd of ["relaxed", "strict"] as const) {
    Deno.test(`RNN.forward() with lengths (${simd}) matches torch's packed sequences for ${fixture.name}`, () => {
      const rnn = new RNN({ ...fixture.options, simd });
      rnn.loadStateDict(
        Object.fromEntries(Object.entries(fixture.stateDict).map(([k, v]) => [k, toTensor(v)])),
      );
      const h0 = fixture.h0 ? toTensor(fixture.h0) : undefined;
      const [output, hN] = rnn.forward(toTensor(fixture.input), h0, { lengths: fixture.lengths });
      const rtol = fixture.options.nonlinearity === "relu" ? 1e-5 : 0;
      assertAllClose(output, fixture.output, { rtol, label: `${fixture.name} output` });
      assertAllClose(hN, fixture.hN, { rtol, label: `${fixture.name} hN` });
    });
  }
}

Deno.test("RNN.forward() with lengths matches the scalar reference on random padded batches", () => {
  const random = seededRandom(41);
  for (let trial = 0; trial < 150; trial++) {
    const batchFirst = random() < 0.5, bidirectional = random() < 0.5;
    const inputSize = 1 + Math.floor(random() * 9), hiddenSize = 1 + Math.floor(random() * 19);
    const numLayers = 1 + Math.floor(random() * 3);
    const rnn = new RNN({ inputSize, hiddenSize, numLayers, batchFirst, bidirectional });
    const seqLen = 1 + Math.floor(random() * 9), batch = 1 + Math.floor(random() * 7);
    const lengths = Array.from({ length: batch }, () => 1 + Math.floor(random() * seqLen));
    const input = randomTensor(
      random,
      batchFirst ? [batch, seqLen, inputSize] : [seqLen, batch, inputSize],
    );
    const D = bidirectional ? 2 : 1;
    const h0 = random() < 0.5
      ? randomTensor(random, [D * numLayers, batch, hiddenSize])
      : undefined;
    const [output, hN] = rnn.forward(input, h0, { lengths });
    const params = Object.fromEntries(rnn.namedParameters().map(([n, p]) => [n, p.data]));
    const expected = referenceForward(rnn, params, input.data, seqLen, batch, h0?.data, lengths);
    const label = `trial ${trial} lengths [${lengths}]`;
    assertAllClose(output, { shape: output.shape, data: expected.output }, { label });
    assertAllClose(hN, { shape: hN.shape, data: expected.hN }, { label });
  }
});

Deno.test("lengths all equal to L give exactly the unpadded forward", () => {
  const random = seededRandom(42);
  const rnn = new RNN({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true });
  const input = randomTensor(random, [6, 4, 3]);
  const [a, ha] = rnn.forward(input);
  const [b, hb] = rnn.forward(input, undefined, { lengths: new Tensor([4], [6, 6, 6, 6]) });
  assertAllClose(b, a, { atol: 0 });
  assertAllClose(hb, ha, { atol: 0 });
});

Deno.test("bad lengths get clear errors", () => {
  const rnn = new RNN({ inputSize: 3, hiddenSize: 4 });
  const input = Tensor.zeros([5, 2, 3]);
  const run = (lengths: unknown) => () =>
    rnn.forward(input, undefined, { lengths: lengths as number[] });
  assert.throws(run([5]), /lengths must have one entry per sequence: expected 2, got 1/);
  assert.throws(
    run([5, 0]),
    /lengths\[1\] must be an integer in 1..5 \(the padded sequence length\): got 0/,
  );
  assert.throws(run([6, 1]), /lengths\[0\] must be an integer in 1..5.*got 6/);
  assert.throws(run([2.5, 1]), /lengths\[0\].*got 2.5/);
  assert.throws(run([NaN, 1]), /lengths\[0\].*got NaN/);
  assert.throws(run("ab"), /lengths must be an array of 2 integers: got "ab"/);
  assert.throws(
    run(new Tensor([1, 2], [5, 5])),
    /lengths must be an array of 2 integers: got a tensor of shape \[1, 2\]/,
  );
  assert.throws(
    () => rnn.forward(Tensor.zeros([5, 3]), undefined, { lengths: [5] }),
    /lengths applies to batched 3-D input only/,
  );
});

Deno.test("RNN.step() fed a sequence in random pieces gives forward()'s numbers", () => {
  const random = seededRandom(43);
  for (const batchFirst of [false, true]) {
    for (const unbatched of [false, true]) {
      const rnn = new RNN({
        inputSize: 4,
        hiddenSize: 7,
        numLayers: 3,
        batchFirst,
        nonlinearity: "relu",
      });
      const seqLen = 40, batch = 3;
      const shape = unbatched ? [seqLen, 4] : batchFirst ? [batch, seqLen, 4] : [seqLen, batch, 4];
      const input = randomTensor(random, shape);
      const [whole, hWhole] = rnn.forward(input);
      const stepAxis = !unbatched && batchFirst ? 1 : 0;
      const pieces: Tensor[] = [];
      let h: Tensor | undefined;
      for (let t = 0; t < seqLen;) {
        const size = Math.min(seqLen - t, 1 + Math.floor(random() * 6));
        const piece = slice(input, stepAxis, t, size);
        const [y, hNext] = rnn.step(piece, h);
        pieces.push(y);
        h = hNext;
        t += size;
      }
      const joined = concat(pieces, stepAxis);
      assertAllClose(joined, whole, { rtol: 1e-6, atol: 1e-6, label: `batchFirst ${batchFirst}` });
      assertAllClose(h!, hWhole, { rtol: 1e-6, atol: 1e-6 });
    }
  }
});

Deno.test("RNN.step() refuses a bidirectional model and names h in shape errors", () => {
  const bidirectional = new RNN({ inputSize: 2, hiddenSize: 3, bidirectional: true });
  assert.throws(
    () => bidirectional.step(Tensor.zeros([1, 1, 2])),
    /cannot stream a bidirectional RNN/,
  );
  const rnn = new RNN({ inputSize: 2, hiddenSize: 3 });
  assert.throws(
    () => rnn.step(Tensor.zeros([1, 1, 2]), Tensor.zeros([1, 1, 4])),
    /^RangeError: h must have/,
  );
});

/** `size` entries of `t` along `axis` from `start` (axis 0 or 1). */
function slice(t: Tensor, axis: number, start: number, size: number): Tensor {
  const shape = [...t.shape];
  const outer = axis === 0 ? 1 : shape[0];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(outer * size * inner);
  for (let o = 0; o < outer; o++) {
    const from = (o * shape[axis] + start) * inner;
    out.set(t.data.subarray(from, from + size * inner), o * size * inner);
  }
  shape[axis] = size;
  return new Tensor(shape, out);
}

/** Tensors joined along `axis` (0 or 1). */
function concat(parts: Tensor[], axis: number): Tensor {
  const shape = [...parts[0].shape];
  shape[axis] = parts.reduce((sum, p) => sum + p.shape[axis], 0);
  const outer = axis === 0 ? 1 : shape[0];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let offset = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const n = p.shape[axis] * inner;
      out.set(p.data.subarray(o * n, (o + 1) * n), offset);
      offset += n;
    }
  }
  return new Tensor(shape, out);
}
