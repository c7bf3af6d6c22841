// The one layer that touches WebAssembly: owns each kernel instance's linear
// memory, packs weights into it, copies inputs in and results out.
// Knows nothing of Tensors; rnn.ts and linear.ts validate everything first.

import {
  relaxedWasm,
  strictWasm,
  threadsStrictWasm,
  threadsWasm,
} from "./_kernels_wasm.generated.ts";
import { CONTROL_BYTES, SecondThread } from "./_threads.ts";

/** Which kernel build runs: fused multiply-add (relaxed SIMD) or plain SIMD mul + add. */
export type KernelFlavor = "relaxed" | "strict";

/** What this engine lacks to run two threads on one shared memory: none where it can. */
export const THREADS_MISSING: readonly string[] = [
  ...(typeof Worker === "function" ? [] : ["Workers"]),
  ...(typeof SharedArrayBuffer === "function" ? [] : ["SharedArrayBuffer"]),
  ...(WebAssembly.validate(threadsStrictWasm) ? [] : ["WebAssembly threads"]),
];

/** True when this engine can run two threads on one shared memory (Workers, atomics, shared memory). */
export const THREADS_SUPPORTED: boolean = THREADS_MISSING.length === 0;

/** Activation codes, as assembly/activation.ts numbers them (ACT_* there; checked by a test). */
export const ACTIVATION_CODES = { tanh: 1, relu: 2, sigmoid: 3 } as const;

/** True when this engine runs the relaxed-SIMD build (V8 lowers relaxed_madd to an FMA). */
export const RELAXED_SIMD_SUPPORTED: boolean = WebAssembly.validate(relaxedWasm);

/** The flavor used when a caller names none. */
export const DEFAULT_FLAVOR: KernelFlavor = RELAXED_SIMD_SUPPORTED ? "relaxed" : "strict";

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  paddedWidth(n: number): number;
  packingBytes(k: number, m: number): number;
  packWeight(w: number, rows: number, cols: number, dst: number): void;
  packBias(bIh: number, bHh: number, n: number, dst: number): void;
  rnnForward(plan: number, thread: number): number;
  linearForward(
    x: number,
    rows: number,
    inFeatures: number,
    weight: number,
    bias: number,
    outFeatures: number,
    y: number,
    packing: number,
  ): void;
}

/** The four builds: each flavor on its own memory, or on a shared one for two threads. */
type Build = KernelFlavor | "threads" | "threadsStrict";

const compiled = new Map<Build, WebAssembly.Module>();

function compile(build: Build): WebAssembly.Module {
  let module = compiled.get(build);
  if (!module) {
    const bytes = {
      relaxed: relaxedWasm,
      strict: strictWasm,
      threads: threadsWasm,
      threadsStrict: threadsStrictWasm,
    }[build];
    module = new WebAssembly.Module(bytes);
    compiled.set(build, module);
  }
  return module;
}
const PAGE = 65536;
/** A 32-bit WebAssembly memory addresses at most 65536 pages of 64 KiB. */
const MAX_MEMORY_BYTES = 65536 * PAGE;
const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/**
 * Bytes of a rows×cols weight packed by assembly/pack.ts: whole 8-row panels of
 * cols floats. Computed here in float64 so that no size can wrap around.
 */
const packedBytes = (rows: number, cols: number): number => Math.ceil(rows / 8) * 8 * cols * 4;

/**
 * A kernel instance and typed views of its memory, which grows only on demand.
 * With `shared`, the flavor's threads build on a shared memory that a second instance
 * (in a Worker) can run on too.
 */
class KernelInstance {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  f32: Float32Array<ArrayBufferLike> = new Float32Array(0);
  i32: Int32Array<ArrayBufferLike> = new Int32Array(0);

  constructor(flavor: KernelFlavor, shared = false) {
    this.module = compile(shared ? (flavor === "relaxed" ? "threads" : "threadsStrict") : flavor);
    if (shared) {
      this.memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
      const imports = { env: { memory: this.memory } };
      this.exports = new WebAssembly.Instance(this.module, imports)
        .exports as unknown as KernelExports;
    } else {
      this.exports = new WebAssembly.Instance(this.module, {}).exports as unknown as KernelExports;
      this.memory = this.exports.memory;
    }
    this.reserve(0);
  }

  /** The first free byte past the module's static data. */
  get heapStart(): number {
    return align16(this.exports.heapBase());
  }

  /** Grows memory to at least `bytes`, refusing what 32-bit memory cannot hold before growing. */
  reserve(bytes: number): void {
    if (bytes > MAX_MEMORY_BYTES) {
      throw new RangeError(
        `this problem needs ${bytes} bytes of WebAssembly memory, more than the ${MAX_MEMORY_BYTES} bytes (4 GiB) a 32-bit WebAssembly memory can address`,
      );
    }
    const memory = this.memory;
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
    // A shared memory hands out a new buffer object on each access: compare sizes.
    if (this.f32.buffer.byteLength !== memory.buffer.byteLength) {
      this.f32 = new Float32Array(memory.buffer);
      this.i32 = new Int32Array(memory.buffer);
    }
  }

  /** Copies a torch-layout weight (rows×cols) to `staging` and packs it at `dst`. */
  packWeight(weight: Float32Array, rows: number, cols: number, staging: number, dst: number): void {
    this.reserve(staging + weight.length * 4);
    this.f32.set(weight, staging / 4);
    this.exports.packWeight(staging, rows, cols, dst);
  }

  /** Folds two optional biases of length n into a padded one at `dst`, via `staging`. */
  packBias(
    biasA: Float32Array | undefined,
    biasB: Float32Array | undefined,
    n: number,
    staging: number,
    dst: number,
  ): void {
    const second = staging + align16(n * 4);
    this.reserve(second + n * 4);
    if (biasA) this.f32.set(biasA, staging / 4);
    if (biasB) this.f32.set(biasB, second / 4);
    this.exports.packBias(biasA ? staging : 0, biasB ? second : 0, n, dst);
  }
}

/**
 * Plan field indices (i32 words), as assembly/rnn_forward.ts reads them
 * (PLAN_* there; tests/wasm_module_test.ts checks that the two agree).
 * barrier, tickets and progress are two words wide; weights starts three
 * words per (layer, direction).
 */
export const PLAN = {
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
  threads: 15,
  barrier: 16,
  packing: 18,
  packingStride: 19,
  tickets: 20,
  abort: 22,
  progress: 23,
  spinLimit: 25,
  chunkSteps: 26,
  chunkBuffers: 27,
  weights: 28,
} as const;

/**
 * Bytes of input projection computed at a time (a chunk of time steps, at least
 * one): small enough to be read back from cache, large enough for an efficient
 * product. One chunk is held (per direction, with two threads on a
 * bidirectional model), or two when a batch-major output keeps its states in
 * them (see assembly/rnn_forward.ts), not the projection of every step.
 */
const PROJECTION_CHUNK_BYTES = 1 << 20;

/**
 * From this much work (about 100 ms on one thread), a forward whose Worker is
 * starting (again) waits for it, about 20 ms, rather than running on one thread.
 */
export const WAIT_FOR_WORKER_FLOPS = 4e9;

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

/** Results of one forward: fresh arrays (not views of WebAssembly memory) sharing one buffer. */
export interface KernelResult {
  output: Float32Array;
  hN: Float32Array;
}

/**
 * One RNN's kernel instance: its packed weights at the bottom of memory, and
 * above them the per-call buffers, reused while they fit.
 */
export class RnnKernel {
  readonly #kernel: KernelInstance;
  readonly #geometry: RnnGeometry;
  readonly #plan: number;
  // Where the per-call buffers start: above the weights, or above buffers given
  // up to a stalled second thread (see #run).
  #workStart: number;
  #workEnd = 0;
  readonly #second: SecondThread | undefined;
  // Floating-point operations per row (time step of one sequence) of a forward.
  readonly #flopsPerRow: number;
  #lastRunThreads: 1 | 2 = 1;
  readonly #projectionChunkBytes: number;
  // The buffers laid out for the last (seqLen, batch, batchFirst).
  #laidOut = { seqLen: -1, batch: -1, batchFirst: false };
  #regions = { input: 0, h0: 0, output: 0, lengths: 0 };

  /**
   * `threads: 2` runs the flavor's threads build on a shared memory with a Worker as thread 1.
   * `spinLimit` (for tests) is how many spins a thread waits at a barrier for the other to
   * show progress before giving up on it; `projectionChunkBytes` (for tests) sets how much
   * input projection is computed at a time.
   */
  constructor(
    geometry: RnnGeometry,
    flavor: KernelFlavor,
    threads: 1 | 2 = 1,
    { spinLimit = 2e9, projectionChunkBytes = PROJECTION_CHUNK_BYTES }: {
      spinLimit?: number;
      projectionChunkBytes?: number;
    } = {},
  ) {
    const kernel = this.#kernel = new KernelInstance(flavor, threads === 2);
    this.#geometry = geometry;
    if (!(projectionChunkBytes >= 1)) {
      throw new RangeError(
        `internal: projectionChunkBytes must be at least 1: got ${projectionChunkBytes}`,
      );
    }
    this.#projectionChunkBytes = projectionChunkBytes;
    const { inputSize, hiddenSize, numLayers, directions } = geometry;
    const control = kernel.heapStart;
    this.#plan = align16(control + CONTROL_BYTES);
    let offset = align16(this.#plan + 4 * (PLAN.weights + 3 * numLayers * directions));
    kernel.reserve(offset);
    const plan = this.#plan / 4;
    const i32 = kernel.i32;
    i32[plan + PLAN.inputSize] = inputSize;
    i32[plan + PLAN.hiddenSize] = hiddenSize;
    i32[plan + PLAN.numLayers] = numLayers;
    i32[plan + PLAN.directions] = directions;
    i32[plan + PLAN.activation] = geometry.activation;
    i32[plan + PLAN.spinLimit] = spinLimit;
    const paddedBias = packedBytes(hiddenSize, 1);
    let flopsPerRow = 0;
    for (let layer = 0; layer < numLayers; layer++) {
      const inWidth = layer === 0 ? inputSize : directions * hiddenSize;
      flopsPerRow += directions * 2 * (inWidth + hiddenSize) * hiddenSize;
      for (let dir = 0; dir < directions; dir++) {
        const slot = plan + PLAN.weights + 3 * (layer * directions + dir);
        i32[slot] = offset;
        offset = align16(offset + packedBytes(hiddenSize, inWidth));
        i32[slot + 1] = offset;
        offset = align16(offset + packedBytes(hiddenSize, hiddenSize));
        i32[slot + 2] = offset;
        offset = align16(offset + paddedBias);
      }
    }
    this.#flopsPerRow = flopsPerRow;
    // Refuse sizes whose packed weights cannot fit, before packing anything.
    kernel.reserve(offset);
    this.#workStart = offset;
    // Two threads spinning on one core would take turns, hundreds of times slower.
    if (threads === 2 && (navigator.hardwareConcurrency ?? 1) >= 2) {
      this.#second = new SecondThread(kernel.module, kernel.memory, control);
    }
  }

  /** Bytes of WebAssembly memory this instance holds now. */
  get memoryBytes(): number {
    return this.#kernel.memory.buffer.byteLength;
  }

  /** 2 while a second thread waits to take part in large forwards, else 1. */
  get threads(): 1 | 2 {
    return this.#second?.available ? 2 : 1;
  }

  /** Bytes of the mapped result buffer the second thread prepared for the next large forward. */
  get mappedResultBytes(): number {
    return this.#second?.mappedResultBytes ?? 0;
  }

  /** How many threads ran the last forward. */
  get lastRunThreads(): 1 | 2 {
    return this.#lastRunThreads;
  }

  /**
   * Resolves when the second thread (if any) is up, failed or closed, and has
   * sent the result buffer asked of it; forwards before run on one thread.
   */
  get ready(): Promise<void> {
    return this.#second?.ready ?? Promise.resolve();
  }

  /** Stops the second thread, if any; the kernel goes on with one thread. */
  close(): void {
    this.#second?.close();
  }

  /** Packs the weights of every (layer, direction), in layer-major, forward-first order. */
  uploadWeights(weights: readonly LayerWeights[]): void {
    const { hiddenSize: H, numLayers, directions } = this.#geometry;
    if (weights.length !== numLayers * directions) {
      throw new Error(
        `internal: expected ${numLayers * directions} weight sets, got ${weights.length}`,
      );
    }
    // The per-call buffers are free while packing: stage the raw weights there.
    const staging = this.#workStart;
    const kernel = this.#kernel;
    weights.forEach((w, index) => {
      const slot = this.#plan / 4 + PLAN.weights + 3 * index;
      const [ih, hh, bias] = kernel.i32.slice(slot, slot + 3);
      kernel.packWeight(w.weightIh, H, w.weightIh.length / H, staging, ih);
      kernel.packWeight(w.weightHh, H, H, staging, hh);
      kernel.packBias(w.biasIh, w.biasHh, H, staging, bias);
    });
  }

  /**
   * Runs the forward on `input` (seqLen·batch rows of inputSize, time-major or,
   * with batchFirst, batch-major) from `h0` (zeros when undefined). With
   * `lengths` (one per sequence, each in 1..seqLen), sequence n runs only its
   * first lengths[n] steps, as a packed sequence does in torch. The results go
   * into new arrays, or into `into`'s when given (and it is returned).
   */
  forward(
    input: Float32Array,
    seqLen: number,
    batch: number,
    batchFirst: boolean,
    h0: Float32Array | undefined,
    lengths?: Int32Array,
    into?: KernelResult,
  ): KernelResult {
    const laidOut = this.#laidOut;
    if (laidOut.seqLen !== seqLen || laidOut.batch !== batch || laidOut.batchFirst !== batchFirst) {
      this.#layout(seqLen, batch, batchFirst);
    }
    const { hiddenSize, numLayers, directions } = this.#geometry;
    const stateLength = numLayers * directions * batch * hiddenSize;
    this.#load(input, h0, lengths, stateLength);
    const outputLength = seqLen * batch * directions * hiddenSize;
    // One allocation for both results, unless they go into the caller's arrays:
    // each ArrayBuffer costs about 0.3 µs in Deno. A large one may come mapped
    // already, from the second thread (see #run).
    const floats = outputLength + stateLength;
    let both: Float32Array | undefined, mappedBuffer: ArrayBuffer | undefined;
    if (!into) {
      mappedBuffer = this.#second?.takeMappedResult(floats * 4);
      both = mappedBuffer ? new Float32Array(mappedBuffer) : new Float32Array(floats);
    }
    if (!this.#run(both, mappedBuffer !== undefined)) {
      // The second thread stalled and may still write into these buffers: leave
      // them to it and run on this thread in fresh ones.
      this.#workStart = this.#workEnd;
      this.#layout(seqLen, batch, batchFirst);
      this.#load(input, h0, lengths, stateLength);
      this.#run(both, true);
    }
    const start = this.#regions.output / 4;
    if (into) {
      copyFloats(into.output, 0, this.#kernel.f32, start, outputLength);
      copyFloats(into.hN, 0, this.#kernel.f32, start + outputLength, stateLength);
      return into;
    }
    copyFloats(both!, 0, this.#kernel.f32, start, floats);
    return { output: both!.subarray(0, outputLength), hN: both!.subarray(outputLength) };
  }

  // Copies one call's inputs into the laid-out buffers and points the plan at them.
  #load(
    input: Float32Array,
    h0: Float32Array | undefined,
    lengths: Int32Array | undefined,
    stateLength: number,
  ): void {
    const { f32, i32 } = this.#kernel;
    const regions = this.#regions;
    copyFloats(f32, regions.input / 4, input, 0, input.length);
    if (h0) copyFloats(f32, regions.h0 / 4, h0, 0, stateLength);
    else zeroFloats(f32, regions.h0 / 4, stateLength);
    if (lengths) i32.set(lengths, regions.lengths / 4);
    i32[this.#plan / 4 + PLAN.lengths] = lengths ? regions.lengths : 0;
  }

  // Runs the plan on two threads when a Worker waits for it (mapping the pages of
  // `result`, the new array the results go to, while the Worker starts, unless
  // they are `mapped` already; undefined when they go to the caller's arrays);
  // if the Worker fails, closes it and runs the plan again on this thread alone.
  // Returns false, without rerunning, when the Worker stalled: it may still write
  // into this call's buffers.
  #run(result: Float32Array | undefined, mapped: boolean): boolean {
    const { exports, i32 } = this.#kernel;
    const plan = this.#plan / 4;
    const second = this.#second;
    const batch = i32[plan + PLAN.batch], hidden = this.#geometry.hiddenSize;
    // Below about N·H² = 65536 per step, waking the Worker and meeting it at every
    // step costs more than half the work saves.
    if (second && batch * hidden * hidden >= 65536) {
      i32[plan + PLAN.threads] = 2;
      i32[plan + PLAN.tickets] = i32[plan + PLAN.tickets + 1] = i32[plan + PLAN.abort] = 0;
      const flops = i32[plan + PLAN.seqLen] * batch * this.#flopsPerRow;
      // After its part, the Worker maps the next call's result buffer, off this thread
      // (when this call's size repeats the last large call's).
      if (result) second.askForMappedResult();
      const job = second.start(this.#plan, flops >= WAIT_FOR_WORKER_FLOPS);
      if (job !== undefined) {
        // The Worker has started on the first panels: meanwhile, take the page
        // faults of a fresh result here (about 0.5 ms/MiB), not after the run.
        if (result && !mapped) touchPages(result);
        const status = exports.rnnForward(this.#plan, 0);
        this.#lastRunThreads = 2;
        const outcome = second.finish(job, () => this.#kernel.i32[plan + PLAN.progress + 1]);
        if (outcome === "done" && status === 0) return true;
        second.close();
        i32[plan + PLAN.barrier] = i32[plan + PLAN.barrier + 1] = 0;
        if (outcome === "stalled") return false;
      }
    }
    i32[plan + PLAN.threads] = 1;
    this.#lastRunThreads = 1;
    exports.rnnForward(this.#plan, 0);
    return true;
  }

  #layout(seqLen: number, batch: number, batchFirst: boolean): void {
    const { inputSize, hiddenSize, numLayers, directions } = this.#geometry;
    const rows = seqLen * batch;
    const stateBytes = align16(numLayers * directions * batch * hiddenSize * 4);
    const outputBytes = align16(rows * directions * hiddenSize * 4);
    const input = this.#workStart;
    const h0 = input + align16(rows * inputSize * 4);
    // hN directly follows the output so that one copy returns both.
    const output = h0 + stateBytes;
    const hN = output + rows * directions * hiddenSize * 4;
    const scratch = align16(hN + stateBytes);
    const projection = scratch + (numLayers > 1 ? outputBytes : 0);
    // Two threads on a bidirectional model project both directions at once.
    const projections = this.#second && directions === 2 ? 2 : 1;
    const stepBytes = batch * this.#kernel.exports.paddedWidth(hiddenSize) * 4;
    const chunkSteps = Math.max(
      1,
      Math.min(seqLen, Math.floor(this.#projectionChunkBytes / stepBytes)),
    );
    // Two chunk buffers take turns when states stay in them and there is more than one chunk.
    const chunkBuffers = batchFirst && batch > 1 && chunkSteps < seqLen ? 2 : 1;
    const lengths = projection + projections * align16(chunkBuffers * chunkSteps * stepBytes);
    // Each thread's buffer for the rows of A that the matrix products repack.
    const packing = lengths + align16(batch * 4);
    const { packingBytes } = this.#kernel.exports;
    const chunkRows = chunkSteps * batch;
    const packingStride = align16(Math.max(
      packingBytes(inputSize, chunkRows),
      numLayers > 1 ? packingBytes(directions * hiddenSize, chunkRows) : 0,
      packingBytes(hiddenSize, batch),
    ));
    this.#workEnd = align16(packing + (this.#second ? 2 : 1) * packingStride);
    this.#kernel.reserve(this.#workEnd);
    const i32 = this.#kernel.i32;
    const plan = this.#plan / 4;
    i32[plan + PLAN.seqLen] = seqLen;
    i32[plan + PLAN.batch] = batch;
    i32[plan + PLAN.batchFirst] = batchFirst ? 1 : 0;
    i32[plan + PLAN.input] = input;
    i32[plan + PLAN.h0] = h0;
    i32[plan + PLAN.output] = output;
    i32[plan + PLAN.hN] = hN;
    i32[plan + PLAN.scratch] = scratch;
    i32[plan + PLAN.projection] = projection;
    i32[plan + PLAN.chunkSteps] = chunkSteps;
    i32[plan + PLAN.chunkBuffers] = chunkBuffers;
    i32[plan + PLAN.packing] = packing;
    i32[plan + PLAN.packingStride] = packingStride;
    this.#regions = { input, h0, output, lengths };
    this.#laidOut = { seqLen, batch, batchFirst };
  }
}

/** One Linear layer's kernel instance: packed weight and bias, then x and y buffers. */
export class LinearKernel {
  readonly #kernel: KernelInstance;
  readonly #inFeatures: number;
  readonly #outFeatures: number;
  readonly #weight: number;
  readonly #bias: number;
  readonly #workStart: number;

  constructor(inFeatures: number, outFeatures: number, flavor: KernelFlavor) {
    const kernel = this.#kernel = new KernelInstance(flavor);
    this.#inFeatures = inFeatures;
    this.#outFeatures = outFeatures;
    this.#weight = kernel.heapStart;
    this.#bias = align16(this.#weight + packedBytes(outFeatures, inFeatures));
    this.#workStart = align16(this.#bias + kernel.exports.paddedWidth(outFeatures) * 4);
    kernel.reserve(this.#workStart);
  }

  /** Bytes of WebAssembly memory this instance holds now. */
  get memoryBytes(): number {
    return this.#kernel.memory.buffer.byteLength;
  }

  /** Packs weight (outFeatures×inFeatures, torch layout) and the optional bias. */
  uploadWeights(weight: Float32Array, bias: Float32Array | undefined): void {
    const kernel = this.#kernel;
    kernel.packWeight(weight, this.#outFeatures, this.#inFeatures, this.#workStart, this.#weight);
    kernel.packBias(bias, undefined, this.#outFeatures, this.#workStart, this.#bias);
  }

  /** y = x·Wᵀ + b for `rows` rows of inFeatures. */
  forward(x: Float32Array, rows: number): Float32Array {
    const kernel = this.#kernel;
    const xStart = this.#workStart;
    const yStart = align16(xStart + rows * this.#inFeatures * 4);
    const packing = align16(yStart + rows * this.#outFeatures * 4);
    kernel.reserve(packing + kernel.exports.packingBytes(this.#inFeatures, rows));
    copyFloats(kernel.f32, xStart / 4, x, 0, x.length);
    kernel.exports.linearForward(
      xStart,
      rows,
      this.#inFeatures,
      this.#weight,
      this.#bias,
      this.#outFeatures,
      yStart,
      packing,
    );
    const y = new Float32Array(rows * this.#outFeatures);
    copyFloats(y, 0, kernel.f32, yStart / 4, y.length);
    return y;
  }
}

// Up to this many floats, a loop copies or zeroes several times faster than set() (with
// the subarray it needs) or fill(): about 0.1 µs of the lecture example's 0.9 µs call.
const SMALL_COPY = 32;

// dst[to..to+n) = src[from..from+n).
function copyFloats(
  dst: Float32Array,
  to: number,
  src: Float32Array,
  from: number,
  n: number,
): void {
  if (n > SMALL_COPY) {
    dst.set(from === 0 && n === src.length ? src : src.subarray(from, from + n), to);
  } else {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  }
}

// dst[from..from+n) = 0.
function zeroFloats(dst: Float32Array, from: number, n: number): void {
  if (n > SMALL_COPY) dst.fill(0, from, from + n);
  else for (let i = from; i < from + n; i++) dst[i] = 0;
}

// Writes one zero per 4 KiB of a fresh array, so that the OS maps its pages now
// (as the Worker in _threads.ts does to the buffers it maps for this thread).
function touchPages(array: Float32Array): void {
  for (let i = 0; i < array.length; i += 1024) array[i] = 0;
}
