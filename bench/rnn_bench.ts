// deno task bench: each workload through the WebAssembly kernels (both builds)
// against the scalar TypeScript reference, which is the group's baseline.
// GFLOP/s = the FLOP count in the group name / time per iteration.

import { referenceForward } from "../_reference.ts";
import { Linear, RNN, Tensor } from "../mod.ts";
import { flops, setUp, WORKLOADS } from "./workloads.ts";

for (const workload of WORKLOADS) {
  const group = `${workload.name} (${(flops(workload) / 1e9).toPrecision(3)} GFLOP per forward)`;
  const { rnn, input } = setUp(workload, "relaxed");
  const strict = setUp(workload, "strict").rnn;
  strict.loadStateDict(rnn.stateDict());
  const params = Object.fromEntries(rnn.namedParameters().map(([name, p]) => [name, p.data]));
  const slowReference = workload.name === "W3";
  Deno.bench({
    name: `${workload.name} scalar TypeScript reference`,
    group,
    baseline: true,
    n: slowReference ? 1 : undefined,
    warmup: slowReference ? 0 : undefined,
    fn: () => {
      referenceForward(rnn, params, input.data, workload.seqLen, workload.batch);
    },
  });
  Deno.bench({
    name: `${workload.name} wasm relaxed SIMD`,
    group,
    fn: () => void rnn.forward(input),
  });
  Deno.bench({
    name: `${workload.name} wasm strict SIMD`,
    group,
    fn: () => void strict.forward(input),
  });
  // What a new result costs: the same forward into the same two tensors each time.
  const [output, hN] = rnn.forward(input);
  Deno.bench({
    name: `${workload.name} wasm relaxed SIMD, into { out }`,
    group,
    fn: () => void rnn.forward(input, undefined, { out: [output, hN] }),
  });
}

// Streaming: RNN.step() one time step at a time, H = 64 (the per-call overhead a caller pays per frame).
{
  const { rnn } = setUp({
    name: "stream",
    batch: 1,
    seqLen: 1,
    options: { inputSize: 32, hiddenSize: 64, batchFirst: true },
  });
  const frame = Tensor.zeros([1, 1, 32]);
  let [, h] = rnn.step(frame);
  Deno.bench({
    name: "step() one frame, N=1, H_in=32, H=64",
    group: "streaming",
    fn: () => {
      [, h] = rnn.step(frame, h);
    },
  });
  const y = Tensor.zeros([1, 1, 64]), state = Tensor.zeros([1, 1, 64]);
  Deno.bench({
    name: "step() one frame, in place with { out: [y, h] }",
    group: "streaming",
    fn: () => void rnn.step(frame, state, { out: [y, state] }),
  });
  const chunk = Tensor.zeros([1, 100, 32]);
  Deno.bench({
    name: "step() a chunk of 100 frames (per-frame cost = time / 100)",
    group: "streaming",
    baseline: true,
    fn: () => {
      [, h] = rnn.step(chunk, h);
    },
  });
}

// The two kernels alone, at W3's sizes, for their share of the SIMD ceiling (about 35 GFLOP/s
// with relaxed_madd here): the input projection is a Linear over all L·N rows; the recurrence
// dominates an RNN whose input has one feature.
{
  const rows = 64 * 256;
  const projection = new Linear({ inFeatures: 256, outFeatures: 512 });
  const x = Tensor.zeros([rows, 256]);
  x.data.forEach((_, i) => x.data[i] = Math.sin(i));
  Deno.bench({
    name: `input projection ${rows}x256 · 256x512 (${
      (2 * rows * 256 * 512 / 1e9).toFixed(2)
    } GFLOP)`,
    group: "kernels at W3 sizes",
    fn: () => void projection.forward(x),
  });
  const recurrence = new RNN({ inputSize: 1, hiddenSize: 512 });
  const steps = Tensor.zeros([64, 64, 1]);
  Deno.bench({
    name: `recurrence N=64, H=512, 64 steps (${(2 * 64 * 64 * 512 * 512 / 1e9).toFixed(2)} GFLOP)`,
    group: "kernels at W3 sizes",
    fn: () => void recurrence.forward(steps),
  });
}
