// deno task bench: each workload through the WebAssembly kernels (both builds)
// against the scalar TypeScript reference, which is the group's baseline.
// GFLOP/s = the FLOP count in the group name / time per iteration.

import { referenceForward } from "../_reference.ts";
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
