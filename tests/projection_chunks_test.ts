// The input projection is computed a chunk of time steps at a time (1 MiB by
// default, so the small models of the other tests run in one chunk). These
// tests make the chunks a few steps long, so that every path of the chunked
// recurrence runs: both directions, several layers, batch-major and time-major
// rows, packed sequences, chunks that do not divide the sequence, two threads.

import assert from "node:assert/strict";
import type { Nonlinearity } from "../mod.ts";
import { RNN, Tensor } from "../mod.ts";
import { ACTIVATION_CODES, type LayerWeights, RnnKernel } from "../_kernels.ts";
import { referenceForward } from "../_reference.ts";
import { assertAllClose, seededRandom } from "./_helpers.ts";

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)];

/** A kernel with `rnn`'s weights whose projection chunks are `chunkSteps` steps of `batch` rows. */
function chunkedKernel(
  rnn: RNN,
  batch: number,
  chunkSteps: number,
  threads: 1 | 2 = 1,
): RnnKernel {
  const directions = rnn.bidirectional ? 2 : 1;
  const stepBytes = batch * Math.ceil(rnn.hiddenSize / 8) * 8 * 4;
  const kernel = new RnnKernel(
    {
      inputSize: rnn.inputSize,
      hiddenSize: rnn.hiddenSize,
      numLayers: rnn.numLayers,
      directions,
      activation: ACTIVATION_CODES[rnn.nonlinearity],
    },
    rnn.simd,
    threads,
    { projectionChunkBytes: chunkSteps * stepBytes },
  );
  const state = rnn.stateDict();
  const weights: LayerWeights[] = [];
  for (let layer = 0; layer < rnn.numLayers; layer++) {
    for (let dir = 0; dir < directions; dir++) {
      const suffix = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
      weights.push({
        weightIh: state[`weight_ih${suffix}`].data,
        weightHh: state[`weight_hh${suffix}`].data,
        biasIh: state[`bias_ih${suffix}`]?.data,
        biasHh: state[`bias_hh${suffix}`]?.data,
      });
    }
  }
  kernel.uploadWeights(weights);
  return kernel;
}

function randomData(random: () => number, length: number): Float32Array {
  return Float32Array.from({ length }, () => random() * 4 - 2);
}

Deno.test("a projection computed a few steps at a time matches the scalar reference on 300 random configurations", () => {
  const random = seededRandom(20261126);
  for (let trial = 0; trial < 300; trial++) {
    const options = {
      inputSize: pick(random, [1, 3, 4, 9, 17]),
      hiddenSize: pick(random, [1, 5, 8, 12, 17]),
      numLayers: pick(random, [1, 2, 3]),
      nonlinearity: pick(random, ["tanh", "relu", "sigmoid"] as Nonlinearity[]),
      bias: random() < 0.8,
      batchFirst: random() < 0.5,
      bidirectional: random() < 0.5,
      simd: pick(random, ["relaxed", "strict"] as const),
    };
    const rnn = new RNN(options);
    const seqLen = pick(random, [2, 3, 5, 7, 13]);
    const batch = pick(random, [1, 2, 3, 6, 9]);
    const chunkSteps = pick(random, [1, 2, 3, 4]);
    const D = options.bidirectional ? 2 : 1;
    const input = randomData(random, seqLen * batch * options.inputSize);
    const h0 = random() < 0.5
      ? randomData(random, D * options.numLayers * batch * options.hiddenSize)
      : undefined;
    const lengths = random() < 0.4
      ? Int32Array.from({ length: batch }, () => 1 + Math.floor(random() * seqLen))
      : undefined;
    const kernel = chunkedKernel(rnn, batch, chunkSteps);
    const got = kernel.forward(input, seqLen, batch, options.batchFirst, h0, lengths);
    const params = Object.fromEntries(
      Object.entries(rnn.stateDict()).map(([name, tensor]) => [name, tensor.data]),
    );
    const expected = referenceForward(rnn, params, input, seqLen, batch, h0, lengths);
    const label = `trial ${trial} ${JSON.stringify(options)} L=${seqLen} N=${batch} ` +
      `chunk ${chunkSteps} lengths [${lengths ?? ""}]`;
    const rtol = options.nonlinearity === "relu" ? 1e-5 : 0;
    const output = new Tensor([got.output.length], got.output);
    assertAllClose(output, { shape: output.shape, data: expected.output }, {
      rtol,
      label: `${label} output`,
    });
    const hN = new Tensor([got.hN.length], got.hN);
    assertAllClose(hN, { shape: hN.shape, data: expected.hN }, { rtol, label: `${label} hN` });
  }
});

Deno.test("two threads on projections of a few steps at a time give one thread's results bit for bit", async () => {
  const random = seededRandom(26);
  // N·H² = 16·64² reaches the size from which a forward uses the second thread.
  const [seqLen, batch, hiddenSize] = [11, 16, 64];
  for (
    const [bidirectional, batchFirst, withLengths] of [
      [false, true, false],
      [false, true, true],
      [false, false, true],
      [true, true, true],
    ]
  ) {
    const rnn = new RNN({ inputSize: 5, hiddenSize, numLayers: 2, bidirectional, batchFirst });
    const one = chunkedKernel(rnn, batch, 3);
    const two = chunkedKernel(rnn, batch, 3, 2);
    try {
      await two.ready;
      const input = randomData(random, seqLen * batch * 5);
      const lengths = withLengths
        ? Int32Array.from({ length: batch }, () => 1 + Math.floor(random() * seqLen))
        : undefined;
      const a = one.forward(input, seqLen, batch, batchFirst, undefined, lengths);
      const b = two.forward(input, seqLen, batch, batchFirst, undefined, lengths);
      const label =
        `bidirectional ${bidirectional} batchFirst ${batchFirst} lengths ${withLengths}`;
      assert.equal(two.lastRunThreads, 2, label);
      assert.deepEqual(b.output, a.output, label);
      assert.deepEqual(b.hN, a.hN, label);
    } finally {
      two.close();
    }
  }
});
