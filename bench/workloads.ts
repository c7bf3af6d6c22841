// The standard workloads (batch-first, tanh, float32, h0 = 0), shared by the
// benchmarks and the peer comparison.

import { RNN, type RNNOptions, Tensor } from "../mod.ts";
import { parameterCount } from "../rnn.ts";

/** One benchmark workload: N sequences of length L through an RNN. */
export interface Workload {
  name: string;
  batch: number;
  seqLen: number;
  options: RNNOptions;
}

/** W0 is the lecture example; W1–W4 are the sizes the performance issue names. */
export const WORKLOADS: readonly Workload[] = [
  { name: "W0", batch: 1, seqLen: 3, options: { inputSize: 1, hiddenSize: 2 } },
  { name: "W1", batch: 1, seqLen: 100, options: { inputSize: 32, hiddenSize: 64 } },
  { name: "W2", batch: 16, seqLen: 128, options: { inputSize: 128, hiddenSize: 256 } },
  { name: "W3", batch: 64, seqLen: 256, options: { inputSize: 256, hiddenSize: 512 } },
  {
    name: "W4",
    batch: 8,
    seqLen: 200,
    options: { inputSize: 64, hiddenSize: 128, numLayers: 3, bidirectional: true },
  },
].map((w) => ({ ...w, options: { ...w.options, batchFirst: true, nonlinearity: "tanh" } }));

/** Floating-point operations of one forward: 2·L·N·(H_in,l·H + H·H) per layer and direction. */
export function flops({ batch, seqLen, options }: Workload): number {
  const H = options.hiddenSize, D = options.bidirectional ? 2 : 1;
  let total = 0;
  for (let layer = 0; layer < (options.numLayers ?? 1); layer++) {
    const inWidth = layer === 0 ? options.inputSize : D * H;
    total += D * 2 * seqLen * batch * (inWidth * H + H * H);
  }
  return total;
}

/**
 * The performance issue's memory measure for a workload run by `rnn`: bytes of
 * its inputs, outputs and weights, and of one layer's input projection (L·N·H
 * floats, H padded to whole 8-float panels).
 */
export function memoryMeasure(
  { batch, seqLen, options }: Workload,
  rnn: RNN,
): { ioWeightBytes: number; projectionBytes: number } {
  const H = options.hiddenSize, D = options.bidirectional ? 2 : 1, layers = options.numLayers ?? 1;
  const weights = parameterCount(rnn);
  const floats = seqLen * batch * options.inputSize + seqLen * batch * D * H +
    D * layers * batch * H + weights;
  return { ioWeightBytes: 4 * floats, projectionBytes: 4 * seqLen * batch * Math.ceil(H / 8) * 8 };
}

/** A model and an input for a workload, the input filled deterministically. */
export function setUp(
  workload: Workload,
  simd?: "relaxed" | "strict",
): { rnn: RNN; input: Tensor } {
  const rnn = new RNN({ ...workload.options, simd });
  const input = Tensor.zeros([workload.batch, workload.seqLen, workload.options.inputSize]);
  for (let i = 0; i < input.data.length; i++) input.data[i] = Math.sin(i * 0.37);
  return { rnn, input };
}

/** A quick timing of one workload: what `cli.ts bench` reports. */
export interface QuickTiming {
  /** The kernel build that ran. */
  simd: string;
  /** Forwards timed. */
  reps: number;
  msPerForward: number;
  gflops: number;
  /** Time steps of single sequences per second (L·N per forward). */
  stepsPerSecond: number;
}

/**
 * Times forwards of a workload for about `budgetMs` (at least 3), after a fifth
 * of that untimed, calling `progress(reps)` about every 100 ms. Small workloads
 * run in batches that double until one takes a tenth of the budget, so the
 * clock is read seldom.
 */
export function quickTiming(
  workload: Workload,
  progress: (reps: number) => void = () => {},
  budgetMs = 250,
): QuickTiming {
  const { rnn, input } = setUp(workload);
  // V8 optimises a WebAssembly function on its next call, and the JavaScript
  // around it only after many: untimed, the lecture's example took 2.7 µs, not 0.8.
  const warm = performance.now() + budgetMs / 5;
  do rnn.forward(input); while (performance.now() < warm);
  let reps = 0, elapsed = 0, shown = 0, batch = 1;
  const start = performance.now();
  while (reps < 3 || elapsed < budgetMs) {
    for (let i = 0; i < batch; i++) rnn.forward(input);
    reps += batch;
    const now = performance.now() - start;
    if (now - elapsed < budgetMs / 10) batch *= 2;
    elapsed = now;
    if (elapsed - shown > 100) {
      progress(reps);
      shown = elapsed;
    }
  }
  const seconds = elapsed / 1000 / reps;
  return {
    simd: rnn.simd,
    reps,
    msPerForward: seconds * 1000,
    gflops: flops(workload) / seconds / 1e9,
    stepsPerSecond: (workload.seqLen * workload.batch) / seconds,
  };
}
