// The input projection is computed a chunk of time steps at a time (1 MiB by
// default, so the small models of the other tests run in one chunk). These
// tests make the chunks a few steps long, so that every path of the chunked
// recurrence runs: both directions, several layers, batch-major and time-major
// rows, packed sequences, chunks that do not divide the sequence, products over
// several row blocks, two threads; and one runs several default-size chunks.

import assert from "node:assert/strict";
import type { Nonlinearity, RNNOptions } from "../mod.ts";
import { RNN, Tensor } from "../mod.ts";
import { kernelWeights } from "../rnn.ts";
import { ACTIVATION_CODES, RnnKernel } from "../_kernels.ts";
import { referenceForward } from "../_reference.ts";
import { assertAllClose, pick, seededRandom } from "./_helpers.ts";

/**
 * A kernel with `rnn`'s weights whose projection chunks are `chunkSteps` steps of `batch` rows
 * (the default size when undefined).
 */
function chunkedKernel(
  rnn: RNN,
  batch: number,
  chunkSteps: number | undefined,
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
    chunkSteps === undefined ? {} : { projectionChunkBytes: chunkSteps * stepBytes },
  );
  const state = rnn.stateDict();
  kernel.uploadWeights(kernelWeights((name) => state[name]?.data, rnn.numLayers, directions));
  return kernel;
}

function randomData(random: () => number, length: number): Float32Array {
  return Float32Array.from({ length }, () => random() * 4 - 2);
}

interface Case {
  options: RNNOptions;
  seqLen: number;
  batch: number;
  /** Steps per projection chunk; the default size when undefined. */
  chunkSteps?: number;
  withH0?: boolean;
  withLengths?: boolean;
  /** Absolute tolerance against the reference (1e-5 unless said). */
  atol?: number;
}

/** Runs a case on one thread (and on two with `threads: 2`, bit for bit) against the reference. */
async function checkCase(random: () => number, c: Case, label: string, threads: 1 | 2 = 1) {
  const rnn = new RNN(c.options);
  const { seqLen, batch } = c;
  const D = rnn.bidirectional ? 2 : 1;
  const input = randomData(random, seqLen * batch * rnn.inputSize);
  const h0 = c.withH0 ? randomData(random, D * rnn.numLayers * batch * rnn.hiddenSize) : undefined;
  const lengths = c.withLengths
    ? Int32Array.from({ length: batch }, () => 1 + Math.floor(random() * seqLen))
    : undefined;
  const one = chunkedKernel(rnn, batch, c.chunkSteps);
  const got = one.forward(input, seqLen, batch, rnn.batchFirst, h0, lengths);
  const params = Object.fromEntries(
    Object.entries(rnn.stateDict()).map(([name, tensor]) => [name, tensor.data]),
  );
  const expected = referenceForward(rnn, params, input, seqLen, batch, h0, lengths);
  label += ` ${JSON.stringify(c)} lengths [${lengths ?? ""}]`;
  const rtol = rnn.nonlinearity === "relu" ? 1e-5 : 0;
  const atol = c.atol ?? 1e-5;
  const output = new Tensor([got.output.length], got.output);
  assertAllClose(output, { shape: output.shape, data: expected.output }, {
    atol,
    rtol,
    label: `${label} output`,
  });
  const hN = new Tensor([got.hN.length], got.hN);
  assertAllClose(hN, { shape: hN.shape, data: expected.hN }, { atol, rtol, label: `${label} hN` });
  if (threads === 1) return;
  const two = chunkedKernel(rnn, batch, c.chunkSteps, 2);
  try {
    await two.ready;
    // Races show by chance: run each case a few times.
    for (let call = 0; call < 3; call++) {
      const again = two.forward(input, seqLen, batch, rnn.batchFirst, h0, lengths);
      assert.equal(two.lastRunThreads, 2, `${label}: two threads ran`);
      assert.deepEqual(again.output, got.output, `${label} call ${call}: two threads' output`);
      assert.deepEqual(again.hN, got.hN, `${label} call ${call}: two threads' hN`);
    }
  } finally {
    two.close();
  }
}

Deno.test("a projection computed a few steps at a time matches the scalar reference on 300 random configurations", async () => {
  const random = seededRandom(20261126);
  for (let trial = 0; trial < 300; trial++) {
    await checkCase(random, {
      options: {
        inputSize: pick(random, [1, 3, 4, 9, 17]),
        hiddenSize: pick(random, [1, 5, 8, 12, 17]),
        numLayers: pick(random, [1, 2, 3]),
        nonlinearity: pick(random, ["tanh", "relu", "sigmoid"] as Nonlinearity[]),
        bias: random() < 0.8,
        batchFirst: random() < 0.5,
        bidirectional: random() < 0.5,
        simd: pick(random, ["relaxed", "strict"] as const),
      },
      seqLen: pick(random, [2, 3, 5, 7, 13]),
      batch: pick(random, [1, 2, 3, 6, 9]),
      chunkSteps: pick(random, [1, 2, 3, 4]),
      withH0: random() < 0.5,
      withLengths: random() < 0.4,
    }, `trial ${trial}`);
  }
});

Deno.test("chunked products over several row blocks match the scalar reference", async () => {
  const random = seededRandom(1701);
  // Rows of 1701 floats make 20-row blocks of the projection, so a chunk of 4 steps of 9
  // sequences spans two; H = 1100 makes 29-row blocks of each step, so 41 sequences span two,
  // written over their projection in place.
  for (
    const [inputSize, hiddenSize, batch] of [[1701, 17, 9], [3, 1100, 41]] as const
  ) {
    for (const batchFirst of [true, false]) {
      for (const bidirectional of [false, true]) {
        await checkCase(random, {
          options: { inputSize, hiddenSize, batchFirst, bidirectional },
          seqLen: 5,
          batch,
          chunkSteps: hiddenSize > 1000 ? 2 : 4,
          withLengths: bidirectional,
          // float32 sums of over a thousand products, against the float64 reference
          atol: 5e-5,
        }, "blocks");
      }
    }
  }
});

Deno.test("several projection chunks of the default size match the scalar reference", async () => {
  const random = seededRandom(252);
  // 64 sequences of H = 252 (256 when padded) are 64 KiB per step: chunks of 16 steps, 3 for L = 40.
  for (const [batchFirst, bidirectional] of [[true, false], [false, true]]) {
    await checkCase(random, {
      options: { inputSize: 8, hiddenSize: 252, batchFirst, bidirectional },
      seqLen: 40,
      batch: 64,
      withLengths: true,
    }, "default chunks");
  }
});

Deno.test("two threads on projections of a few steps at a time give one thread's results bit for bit", async () => {
  const random = seededRandom(26);
  // Every case reaches N·H² >= 65536, from which a forward uses the second thread.
  const cases: Case[] = [
    ...[[false, true, false], [false, true, true], [false, false, true], [true, true, true]].map((
      [bidirectional, batchFirst, withLengths],
    ) => ({
      options: { inputSize: 5, hiddenSize: 64, numLayers: 2, bidirectional, batchFirst },
      seqLen: 11,
      batch: 16,
      chunkSteps: 3,
      withLengths,
    })),
    // One chunk for the whole sequence, so that the next layer reads the last chunk's output.
    {
      options: { inputSize: 5, hiddenSize: 64, numLayers: 3, batchFirst: true },
      seqLen: 6,
      batch: 16,
      chunkSteps: 6,
      withLengths: true,
    },
    // Single rows only (N = 3), partial panels (H = 150), chunks of one step.
    {
      options: { inputSize: 4, hiddenSize: 150, numLayers: 2, batchFirst: true },
      seqLen: 7,
      batch: 3,
      chunkSteps: 1,
      withLengths: true,
      withH0: true,
    },
    {
      options: { inputSize: 6, hiddenSize: 64, batchFirst: false },
      seqLen: 9,
      batch: 16,
      chunkSteps: 2,
    },
    {
      options: { inputSize: 6, hiddenSize: 64, batchFirst: false, bidirectional: true },
      seqLen: 9,
      batch: 16,
      chunkSteps: 2,
      withLengths: true,
    },
  ];
  for (const [index, c] of cases.entries()) await checkCase(random, c, `case ${index}`, 2);
});
