// A TensorFlow.js model of one of our RNNs for the peer benchmark (bench/peers.ts
// --tfjs): TF.js 4.22.0's layers API (the Keras port) on its WebAssembly backend.
//
// Per layer one `tf.layers.simpleRNN` (returnSequences and returnState), wrapped
// in `tf.layers.bidirectional` (mergeMode "concat": forward ‖ reverse, as torch)
// when bidirectional, in a functional model whose outputs are the last layer's
// sequence and every layer's final state(s), so h_n is compared in full. Keras
// wants kernel [H_in,l, H] = weight_ihᵀ, recurrent_kernel [H, H] = weight_hhᵀ and
// one bias = bias_ih + bias_hh; with h0 = 0 that is torch.nn.RNN's forward.
//
// The packages are imported here, dynamically and by computed specifiers, so
// that peers.ts without --tfjs neither downloads nor loads them (`deno check`
// fetches them for the types; `deno run` leaves those alone). Under Deno, TF.js
// takes its Node path (IS_NODE): the backend reads dist/tfjs-backend-wasm-simd.wasm
// from next to itself with node:fs (so --allow-read, and no setWasmPaths), and
// never uses threads there (tfjs issue #3830); we insist on its SIMD probe
// passing, still say threads off and 1 XNNPACK thread, and check after start-up
// that this is what it got. It creates no Worker and leaves globalThis.Worker
// alone (our two threads need it).

// deno-lint-ignore no-import-prefix -- types only (not fetched by a run); pinned like VERSION below
import type * as tfCore from "npm:@tensorflow/tfjs-core@4.22.0";
// deno-lint-ignore no-import-prefix -- types only (not fetched by a run); pinned like VERSION below
import type * as tfLayers from "npm:@tensorflow/tfjs-layers@4.22.0";
// deno-lint-ignore no-import-prefix -- types only (not fetched by a run); pinned like VERSION below
import type * as tfWasm from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";
import type { RNN } from "../mod.ts";
import type { Workload } from "./workloads.ts";

/** Every @tensorflow package is pinned to this version (the type imports above too). */
const VERSION = "4.22.0";

/** TF.js core and layers with the wasm backend current. */
export interface Tfjs {
  /** tfjs-core, its wasm backend current. */
  tf: typeof tfCore;
  /** tfjs-layers (the Keras API). */
  tfl: typeof tfLayers;
  /** E.g. "TensorFlow.js 4.22.0 (layers 4.22.0), wasm backend 4.22.0: SIMD, 1 thread". */
  description: string;
}

/** Imports TF.js and starts its wasm backend with SIMD on one thread; throws if it cannot. */
export async function loadTfjs(): Promise<Tfjs> {
  // Specifiers in variables, not literals: Deno fetches every npm package that a
  // literal import() names when the program starts, whether or not it runs.
  const packages = ["tfjs-core", "tfjs-layers", "tfjs-backend-wasm"]
    .map((name) => `npm:@tensorflow/${name}@${VERSION}`);
  const [tf, tfl, wasm] = await Promise.all([
    import(packages[0]) as Promise<typeof tfCore>,
    import(packages[1]) as Promise<typeof tfLayers>,
    import(packages[2]) as Promise<typeof tfWasm>,
  ]);
  // The backend picks its binary from these two flags (SIMD without threads:
  // tfjs-backend-wasm-simd.wasm); the first is its own WebAssembly.validate probe.
  if (!(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"))) {
    throw new Error("TensorFlow.js: no wasm SIMD here, so its wasm backend would run without");
  }
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  wasm.setThreadsCount(1);
  if (!(await tf.setBackend("wasm"))) {
    throw new Error("TensorFlow.js: the wasm backend did not start");
  }
  const threads = wasm.getThreadsCount();
  if (tf.getBackend() !== "wasm" || threads !== 1) {
    throw new Error(`TensorFlow.js: backend ${tf.getBackend()} with ${threads} threads`);
  }
  return {
    tf,
    tfl,
    description: `TensorFlow.js ${tf.version_core} (layers ${tfl.version_layers}), ` +
      `wasm backend ${wasm.version_wasm}: SIMD, 1 thread`,
  };
}

/** One call of the TF.js model: input in, output and h_n out, as Float32Arrays. */
export interface TfjsRnn {
  /** `rnn.forward(x)` with h0 = 0: output [N, L, D·H] and h_n [D·numLayers, N, H]. */
  run(x: Float32Array): { output: Float32Array; hN: Float32Array };
  /** Frees the model's weights. */
  dispose(): void;
}

/**
 * A TF.js layers model computing `rnn.forward` (h0 = 0, batch-first) for the
 * workload's fixed shapes, with the RNN's weights. `run` copies the input into
 * a tensor, calls `model.predict` and reads the results back, freeing every
 * tensor it made, so one call does what one call of the other engines does.
 */
export function tfjsRnnModel(
  { tf, tfl }: Tfjs,
  rnn: RNN,
  workload: Pick<Workload, "batch" | "seqLen">,
): TfjsRnn {
  const { batch: N, seqLen: L } = workload;
  const { inputSize, hiddenSize: H, numLayers, bidirectional } = rnn;
  if (!rnn.batchFirst) throw new Error("tfjsRnnModel: batch-first RNNs only");
  const D = bidirectional ? 2 : 1;
  const params = rnn.stateDict();
  /** A torch weight (rows × cols) transposed, as Keras wants it. */
  const transposed = (name: string) => {
    const [rows, cols] = params[name].shape;
    return tf.tidy(() => tf.transpose(tf.tensor2d(params[name].data, [rows, cols])));
  };

  const x = tfl.input({ batchShape: [N, L, inputSize] });
  let sequence = x;
  const states: tfLayers.SymbolicTensor[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    const cell = tfl.layers.simpleRNN({
      units: H,
      activation: rnn.nonlinearity,
      useBias: rnn.bias,
      returnSequences: true,
      returnState: true,
      // Overwritten below; the default orthogonal initialiser needs tfjs-core's
      // chained ops (Tensor.flatten), which only the tfjs union package registers.
      kernelInitializer: "zeros",
      recurrentInitializer: "zeros",
    });
    const wrapped = bidirectional
      ? tfl.layers.bidirectional({ layer: cell, mergeMode: "concat" })
      : cell;
    const [y, ...finalStates] = wrapped.apply(sequence) as tfLayers.SymbolicTensor[];
    sequence = y;
    states.push(...finalStates); // forward, then reverse: h_n's order
    const weights = (bidirectional ? ["", "_reverse"] : [""]).flatMap((s) => [
      transposed(`weight_ih_l${layer}${s}`),
      transposed(`weight_hh_l${layer}${s}`),
      ...rnn.bias
        ? [tf.add(params[`bias_ih_l${layer}${s}`].data, params[`bias_hh_l${layer}${s}`].data)]
        : [],
    ]);
    wrapped.setWeights(weights); // forward layer's weights, then the backward layer's
    tf.dispose(weights);
  }
  if (states.length !== D * numLayers) throw new Error(`tfjsRnnModel: ${states.length} states`);
  const model = tfl.model({ inputs: x, outputs: [sequence, ...states] });

  return {
    run(data) {
      const input = tf.tensor3d(data, [N, L, inputSize]);
      // One batch of N: predict's default of 32 would split W3's 64 in two.
      const [y, ...hs] = model.predict(input, { batchSize: N }) as tfCore.Tensor[];
      const output = y.dataSync() as Float32Array;
      const hN = new Float32Array(D * numLayers * N * H);
      hs.forEach((h, i) => hN.set(h.dataSync() as Float32Array, i * N * H));
      tf.dispose([input, y, ...hs]);
      return { output, hN };
    },
    dispose: () => model.dispose(),
  };
}
