// deno task bench: each workload through the WebAssembly kernels (both builds)
// against the scalar TypeScript reference, which is the group's baseline.
// GFLOP/s = the FLOP count in the group name / time per iteration.

import { referenceForward } from "../_reference.ts";
import { Tensor } from "../mod.ts";
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
