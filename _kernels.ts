// The one layer that touches WebAssembly: owns a kernel instance's linear
// memory, packs weights into it, copies inputs in and results out.
// Knows nothing of Tensors; RNN (rnn.ts) validates everything before calling.

import { relaxedWasm, strictWasm } from "./_kernels_wasm.generated.ts";

/** Which kernel build runs: fused multiply-add (relaxed SIMD) or plain SIMD mul + add. */
export type KernelFlavor = "relaxed" | "strict";

/** Activation codes, as assembly/activation.ts numbers them. */
export const ACTIVATION_CODES = { tanh: 1, relu: 2, sigmoid: 3 } as const;

/** True when this engine runs the relaxed-SIMD build (V8 lowers relaxed_madd to an FMA). */
export const RELAXED_SIMD_SUPPORTED: boolean = WebAssembly.validate(
  relaxedWasm,
);

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  paddedWidth(n: number): number;
  packedWeightBytes(rows: number, cols: number): number;
  packWeight(w: number, rows: number, cols: number, dst: number): void;
  packBias(bIh: number, bHh: number, n: number, dst: number): void;
  rnnForward(plan: number): void;
}

const compiled = new Map<KernelFlavor, WebAssembly.Module>();

function instantiate(flavor: KernelFlavor): KernelExports {
  let module = compiled.get(flavor);
  if (!module) {
    module = new WebAssembly.Module(
      flavor === "relaxed" ? relaxedWasm : strictWasm,
    );
    compiled.set(flavor, module);
  }
  return new WebAssembly.Instance(module, {})
    .exports as unknown as KernelExports;
}

// Plan field indices, as assembly/rnn_forward.ts reads them (PLAN_* there).
const PLAN = {
  seqLen: 0,
  batch: 1,
  inputSize: 2,
  hiddenSize: 3,
  numLayers: 4,
  directions: 5,
  activation: 6,
  batchFirst: 7,
  input: 8,
  h0: 9,
  output: 10,
  hN: 11,
  scratch: 12,
  projection: 13,
  lengths: 14,
  weights: 15,
} as const;
const PAGE = 65536;
/** A 32-bit WebAssembly memory addresses at most 65536 pages of 64 KiB. */
const MAX_MEMORY_BYTES = 65536 * PAGE;

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** The sizes an RnnKernel is built for. */
export interface RnnGeometry {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  directions: 1 | 2;
  activation: number;
}

/** Weights of one (layer, direction), torch layout; biases absent when bias = false. */
export interface LayerWeights {
  weightIh: Float32Array;
  weightHh: Float32Array;
  biasIh?: Float32Array;
  biasHh?: Float32Array;
}

/** Results of one forward, freshly allocated (not views of WebAssembly memory). */
export interface KernelResult {
  output: Float32Array;
  hN: Float32Array;
}

/**
 * One kernel instance with its own memory: the packed weights of one RNN at the
 * bottom, and above them the per-call buffers, reused while they fit.
 */
export class RnnKernel {
  readonly #exports: KernelExports;
  readonly #geometry: RnnGeometry;
  readonly #plan: number;
  readonly #workStart: number;
  #f32: Float32Array;
  #i32: Int32Array;
  // The buffers laid out for the last (seqLen, batch, batchFirst).
  #layoutKey = "";
  #input = 0;
  #h0 = 0;
  #output = 0;
  #hN = 0;
  #lengths = 0;

  constructor(geometry: RnnGeometry, flavor: KernelFlavor) {
    this.#exports = instantiate(flavor);
    this.#geometry = geometry;
    const { inputSize, hiddenSize, numLayers, directions } = geometry;
    this.#plan = align16(this.#exports.heapBase());
    let offset = align16(
      this.#plan + 4 * (PLAN.weights + 3 * numLayers * directions),
    );
    this.#f32 = new Float32Array(0);
    this.#i32 = new Int32Array(0);
    this.#ensureMemory(offset);
    const i32 = this.#i32;
    const base = this.#plan / 4;
    i32[base + PLAN.inputSize] = inputSize;
    i32[base + PLAN.hiddenSize] = hiddenSize;
    i32[base + PLAN.numLayers] = numLayers;
    i32[base + PLAN.directions] = directions;
    i32[base + PLAN.activation] = geometry.activation;
    const bias = this.#exports.paddedWidth(hiddenSize) * 4;
    for (let layer = 0; layer < numLayers; layer++) {
      const inWidth = layer === 0 ? inputSize : directions * hiddenSize;
      for (let dir = 0; dir < directions; dir++) {
        const slot = base + PLAN.weights + 3 * (layer * directions + dir);
        i32[slot] = offset;
        offset = align16(
          offset + this.#exports.packedWeightBytes(hiddenSize, inWidth),
        );
        i32[slot + 1] = offset;
        offset = align16(
          offset + this.#exports.packedWeightBytes(hiddenSize, hiddenSize),
        );
        i32[slot + 2] = offset;
        offset = align16(offset + bias);
      }
    }
    this.#workStart = offset;
  }

  /** Bytes of WebAssembly memory this instance holds now. */
  get memoryBytes(): number {
    return this.#exports.memory.buffer.byteLength;
  }

  /** Packs the weights of every (layer, direction), in layer-major, forward-first order. */
  uploadWeights(weights: readonly LayerWeights[]): void {
    const { hiddenSize, numLayers, directions } = this.#geometry;
    const staging = this.#workStart;
    const biasBytes = align16(hiddenSize * 4);
    weights.forEach((w, index) => {
      const slot = this.#plan / 4 + PLAN.weights + 3 * index;
      const ihBytes = align16(w.weightIh.length * 4);
      const hhBytes = align16(w.weightHh.length * 4);
      this.#ensureMemory(staging + ihBytes + hhBytes + 2 * biasBytes);
      const f32 = this.#f32;
      f32.set(w.weightIh, staging / 4);
      f32.set(w.weightHh, (staging + ihBytes) / 4);
      const biasIh = staging + ihBytes + hhBytes;
      const biasHh = biasIh + biasBytes;
      if (w.biasIh) f32.set(w.biasIh, biasIh / 4);
      if (w.biasHh) f32.set(w.biasHh, biasHh / 4);
      const i32 = this.#i32;
      const inWidth = w.weightIh.length / hiddenSize;
      this.#exports.packWeight(staging, hiddenSize, inWidth, i32[slot]);
      this.#exports.packWeight(
        staging + ihBytes,
        hiddenSize,
        hiddenSize,
        i32[slot + 1],
      );
      this.#exports.packBias(
        w.biasIh ? biasIh : 0,
        w.biasHh ? biasHh : 0,
        hiddenSize,
        i32[slot + 2],
      );
    });
    if (weights.length !== numLayers * directions) {
      throw new Error(
        `internal: expected ${numLayers * directions} weight sets, got ${weights.length}`,
      );
    }
  }

  /**
   * Runs the forward on `input` (seqLen·batch rows of inputSize, time-major or,
   * with batchFirst, batch-major) from `h0` (zeros when undefined). With
   * `lengths` (one per sequence, each in 1..seqLen), sequence n runs only its
   * first lengths[n] steps, as a packed sequence does in torch.
   */
  forward(
    input: Float32Array,
    seqLen: number,
    batch: number,
    batchFirst: boolean,
    h0: Float32Array | undefined,
    lengths?: Int32Array,
  ): KernelResult {
    const key = `${seqLen},${batch},${batchFirst}`;
    if (key !== this.#layoutKey) this.#layout(seqLen, batch, batchFirst, key);
    const f32 = this.#f32;
    f32.set(input, this.#input / 4);
    const stateLength = this.#geometry.numLayers * this.#geometry.directions *
      batch *
      this.#geometry.hiddenSize;
    if (h0) f32.set(h0, this.#h0 / 4);
    else f32.fill(0, this.#h0 / 4, this.#h0 / 4 + stateLength);
    const plan = this.#plan / 4;
    if (lengths) {
      this.#i32.set(lengths, this.#lengths / 4);
      this.#i32[plan + PLAN.lengths] = this.#lengths;
    } else {
      this.#i32[plan + PLAN.lengths] = 0;
    }
    this.#exports.rnnForward(this.#plan);
    const outputLength = seqLen * batch * this.#geometry.directions *
      this.#geometry.hiddenSize;
    return {
      output: f32.slice(this.#output / 4, this.#output / 4 + outputLength),
      hN: f32.slice(this.#hN / 4, this.#hN / 4 + stateLength),
    };
  }

  /** Bytes of memory a forward of this size needs, computed without allocating. */
  requiredBytes(seqLen: number, batch: number): number {
    return this.#regions(seqLen, batch).end;
  }

  #regions(seqLen: number, batch: number) {
    const { inputSize, hiddenSize, numLayers, directions } = this.#geometry;
    const rows = seqLen * batch;
    const stateBytes = align16(numLayers * directions * batch * hiddenSize * 4);
    const outputBytes = align16(rows * directions * hiddenSize * 4);
    const input = this.#workStart;
    const h0 = input + align16(rows * inputSize * 4);
    const output = h0 + stateBytes;
    const scratch = output + outputBytes;
    const projection = scratch + (numLayers > 1 ? outputBytes : 0);
    const hN = projection + align16(rows * this.#exports.paddedWidth(hiddenSize) * 4);
    const lengths = hN + stateBytes;
    return {
      input,
      h0,
      output,
      scratch,
      projection,
      hN,
      lengths,
      end: lengths + align16(batch * 4),
    };
  }

  #layout(
    seqLen: number,
    batch: number,
    batchFirst: boolean,
    key: string,
  ): void {
    const r = this.#regions(seqLen, batch);
    this.#ensureMemory(r.end);
    const i32 = this.#i32;
    const base = this.#plan / 4;
    i32[base + PLAN.seqLen] = seqLen;
    i32[base + PLAN.batch] = batch;
    i32[base + PLAN.batchFirst] = batchFirst ? 1 : 0;
    i32[base + PLAN.input] = r.input;
    i32[base + PLAN.h0] = r.h0;
    i32[base + PLAN.output] = r.output;
    i32[base + PLAN.hN] = r.hN;
    i32[base + PLAN.scratch] = r.scratch;
    i32[base + PLAN.projection] = r.projection;
    this.#lengths = r.lengths;
    this.#input = r.input;
    this.#h0 = r.h0;
    this.#output = r.output;
    this.#hN = r.hN;
    this.#layoutKey = key;
  }

  #ensureMemory(bytes: number): void {
    if (bytes > MAX_MEMORY_BYTES) {
      throw new RangeError(
        `this problem needs ${bytes} bytes of WebAssembly memory, more than the ${MAX_MEMORY_BYTES} bytes (4 GiB) a 32-bit WebAssembly memory can address`,
      );
    }
    const memory = this.#exports.memory;
    const have = memory.buffer.byteLength;
    if (bytes > have) {
      try {
        memory.grow(Math.ceil((bytes - have) / PAGE));
      } catch (cause) {
        throw new RangeError(
          `could not grow WebAssembly memory to ${bytes} bytes (${
            cause instanceof Error ? cause.message : cause
          })`,
        );
      }
    }
    if (this.#f32.buffer !== memory.buffer) {
      this.#f32 = new Float32Array(memory.buffer);
      this.#i32 = new Int32Array(memory.buffer);
    }
  }
}
