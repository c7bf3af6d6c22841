/**
 * torch.nn.RNN for inference: an Elman RNN whose whole forward runs in one
 * WebAssembly SIMD call.
 *
 * @module
 */
import {
  ACTIVATION_CODES,
  DEFAULT_FLAVOR,
  type KernelFlavor,
  type LayerWeights,
  RELAXED_SIMD_SUPPORTED,
  RnnKernel,
  THREADS_MISSING,
  THREADS_SUPPORTED,
} from "./_kernels.ts";
import { describe } from "./_describe.ts";
import { ParameterStore } from "./_parameters.ts";
import { checkOptions, dataOf, flag, positiveInteger } from "./_options.ts";
import { checkGenerator, defaultGenerator, type Generator, uniform_ } from "./random.ts";
import { Tensor } from "./tensor.ts";
import { frozenShape } from "./_shape.ts";

const NO_SHAPE: readonly number[] = frozenShape([]);

// The shapes of a forward's output and hN for one geometry.
interface ResultShapes {
  batched: boolean;
  seqLen: number;
  batch: number;
  output: readonly number[];
  state: readonly number[];
}

/** The activation f in h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh). */
export type Nonlinearity = "tanh" | "relu" | "sigmoid";

/** Options of `new RNN`, with torch.nn.RNN's names (camelCase) and defaults. */
export interface RNNOptions {
  /** H_in: the number of features of each input step. */
  inputSize: number;
  /** H: the number of features of the hidden state. */
  hiddenSize: number;
  /** Stacked layers; layer k > 0 takes layer k-1's output. Default 1. */
  numLayers?: number;
  /** "tanh" (default) or "relu" as in torch; "sigmoid" as in ONNX's RNN operator. */
  nonlinearity?: Nonlinearity;
  /** Whether the layers have b_ih and b_hh. Default true. */
  bias?: boolean;
  /** Input and output as (N, L, features) instead of (L, N, features). Default false. */
  batchFirst?: boolean;
  /** Accepted as in torch ([0, 1]) but without effect: this runtime only infers, like torch's eval mode. */
  dropout?: number;
  /** Adds a reverse direction per layer; D = 2. Default false. */
  bidirectional?: boolean;
  /**
   * 1 (default) or 2: run each large forward on this thread and a Worker
   * sharing one WebAssembly memory (one direction each for a bidirectional
   * model; otherwise each computes the next free column panel of every matrix
   * product, so a slower core does less, and they meet after each time step). Results are bit-identical to one thread of the same `simd`
   * build; the second thread takes part from `await rnn.ready`, stops itself
   * after a second without work (the next large forward starts it again; in
   * Deno one of 4 GFLOP or more waits the ~20 ms for it) and for good at `rnn.close()`.
   * On a machine with one core it stays on one thread.
   */
  threads?: 1 | 2;
  /**
   * Where the initial parameters are drawn from; default the global generator
   * that `manualSeed` seeds, so `manualSeed(s); new RNN(o)` gives torch's
   * parameters after `torch.manual_seed(s); nn.RNN(o)`, bit for bit.
   */
  generator?: Generator;
  /**
   * The kernel build: "relaxed" (fused multiply-add, the default where the
   * engine has relaxed SIMD) or "strict" (plain SIMD mul + add: the same bits on every engine).
   */
  simd?: KernelFlavor;
}

const NONLINEARITIES: readonly Nonlinearity[] = ["tanh", "relu", "sigmoid"];

/** The option names of `new RNN`. */
export const RNN_OPTION_NAMES = {
  inputSize: true,
  hiddenSize: true,
  numLayers: true,
  nonlinearity: true,
  bias: true,
  batchFirst: true,
  dropout: true,
  bidirectional: true,
  threads: true,
  generator: true,
  simd: true,
} as const satisfies Record<keyof RNNOptions, true>;

/**
 * An Elman RNN with torch.nn.RNN's options, shapes and parameter names. For
 * each layer and step: h_t = f(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh).
 *
 * Parameters are initialised as torch does, from U(-1/√H, 1/√H) drawn from a
 * torch-exact generator (see `manualSeed`); load trained ones with `loadStateDict`
 * or build from them with `RNN.fromStateDict`.
 *
 * @example
 * ```ts
 * import { RNN, tensor } from "./mod.ts";
 * const rnn = new RNN({ inputSize: 1, hiddenSize: 2, batchFirst: true });
 * const [output, hN] = rnn.forward(tensor([[[1], [2], [3]]]));
 * console.log(output.shape, hN.shape); // [1, 3, 2] [1, 1, 2]
 * ```
 */
export class RNN {
  /** H_in. */
  readonly inputSize: number;
  /** H. */
  readonly hiddenSize: number;
  /** Stacked layers. */
  readonly numLayers: number;
  /** The activation. */
  readonly nonlinearity: Nonlinearity;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Whether input and output are (N, L, features). */
  readonly batchFirst: boolean;
  /** Dropout probability between layers; has no effect in inference. */
  readonly dropout: number;
  /** Whether each layer has a reverse direction. */
  readonly bidirectional: boolean;
  /** The kernel build in use. */
  readonly simd: KernelFlavor;
  readonly #params: ParameterStore;
  readonly #kernel: RnnKernel;
  // The frozen result shapes of the last call's geometry, shared by every call
  // with that geometry: freezing two fresh arrays per call took about 0.1 µs,
  // a tenth of the lecture example's forward.
  #resultShapes: ResultShapes = {
    batched: false,
    seqLen: -1,
    batch: -1,
    output: NO_SHAPE,
    state: NO_SHAPE,
  };

  /** Builds the RNN and uploads its freshly initialised weights to WebAssembly. */
  constructor(options: RNNOptions) {
    checkOptions("new RNN", "options", options, RNN_OPTION_NAMES);
    this.inputSize = positiveInteger("inputSize", options.inputSize);
    this.hiddenSize = positiveInteger("hiddenSize", options.hiddenSize);
    this.numLayers = positiveInteger("numLayers", options.numLayers ?? 1);
    this.nonlinearity = options.nonlinearity ?? "tanh";
    if (!NONLINEARITIES.includes(this.nonlinearity)) {
      throw new RangeError(
        `nonlinearity must be one of "tanh", "relu", "sigmoid": got ${
          describe(options.nonlinearity)
        }`,
      );
    }
    this.bias = flag("bias", options.bias, true);
    this.batchFirst = flag("batchFirst", options.batchFirst, false);
    this.bidirectional = flag("bidirectional", options.bidirectional, false);
    this.dropout = options.dropout ?? 0;
    if (
      typeof this.dropout !== "number" ||
      !(this.dropout >= 0 && this.dropout <= 1)
    ) {
      throw new RangeError(
        `dropout must be a number in [0, 1] (the probability of an element being zeroed): got ${
          describe(options.dropout)
        }`,
      );
    }
    this.simd = kernelFlavor(options.simd);
    const threads = options.threads ?? 1;
    if (threads !== 1 && threads !== 2) {
      throw new RangeError(`threads must be 1 or 2: got ${describe(options.threads)}`);
    }
    if (threads === 2 && !THREADS_SUPPORTED) {
      const missing = THREADS_MISSING.join(" and ");
      throw new Error(
        `threads: 2 needs Workers, SharedArrayBuffer and WebAssembly threads; this engine lacks ${missing} ` +
          "(a browser has SharedArrayBuffer only on cross-origin isolated pages). " +
          "RNN.threadsSupported tells in advance",
      );
    }
    const directions = this.bidirectional ? 2 : 1;
    const generator = options.generator ?? defaultGenerator;
    checkGenerator(generator);
    // Refuse, before allocating, sizes whose parameters cannot fit twice in 4 GiB (the
    // kernel then checks the packed size, which pads H to whole panels).
    const count = parameterCount(this);
    if (!(count * 8 <= 2 ** 32)) {
      throw new RangeError(
        `these sizes need ${count} parameters, more than 32-bit WebAssembly memory (4 GiB) can hold twice (raw and packed)`,
      );
    }
    this.#params = new ParameterStore("RNN", parameterShapes(this));
    // torch's reset_parameters: every parameter, in order, from U(-1/√H, 1/√H).
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const name of this.#params.shapes.keys()) {
      uniform_(this.#params.get(name)!, -bound, bound, generator);
    }
    this.#kernel = new RnnKernel(
      {
        inputSize: this.inputSize,
        hiddenSize: this.hiddenSize,
        numLayers: this.numLayers,
        directions,
        activation: ACTIVATION_CODES[this.nonlinearity],
      },
      this.simd,
      threads,
    );
    this.#upload();
  }

  /**
   * 2 while a `threads: 2` model's second thread is up (from `ready` until
   * `close()`) to take part in each large forward (from N·H² = 65536 per
   * step; smaller ones run on one thread), otherwise 1.
   */
  get threads(): 1 | 2 {
    return this.#kernel.threads;
  }

  /**
   * Resolves when the second thread of a `threads: 2` model is up, or has
   * failed to start, or was closed (at once for one thread); after the Worker
   * stopped when idle, when the one started since is. Forwards before that
   * run on one thread, with the same results, except that in Deno one of
   * 4 GFLOP or more waits for the Worker.
   * After a two-thread forward whose results take 1–128 MiB, as much as the
   * last large forward's did, it also waits for the Worker to map the memory
   * of the next results of that size (about 0.5 ms per MiB), so that the next
   * such forward skips those page faults.
   * The model holds that buffer until a forward uses it, or a large forward
   * of another size, `close()` or the Worker's stop when idle drops it.
   *
   * @example
   * ```ts
   * import { RNN } from "./mod.ts";
   * const rnn = new RNN({ inputSize: 8, hiddenSize: 64, threads: 2 });
   * await rnn.ready;
   * console.log(rnn.threads); // 2
   * rnn.close();
   * ```
   */
  get ready(): Promise<void> {
    return this.#kernel.ready;
  }

  /**
   * Stops a `threads: 2` model's Worker for good (a running Worker keeps Deno
   * from exiting until it stops itself, a second after the last forward); the
   * model goes on working on one thread. Also `using rnn = …`.
   */
  close(): void {
    this.#kernel.close();
  }

  /** `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Whether `threads: 2` can run in this engine: it needs Workers,
   * SharedArrayBuffer and WebAssembly threads, and a browser gives
   * SharedArrayBuffer only to cross-origin isolated pages. Where it is false,
   * asking for two threads is an error.
   *
   * @example
   * ```ts
   * import { RNN } from "./mod.ts";
   * using rnn = new RNN({ inputSize: 8, hiddenSize: 64, threads: RNN.threadsSupported ? 2 : 1 });
   * ```
   */
  static readonly threadsSupported: boolean = THREADS_SUPPORTED;

  /**
   * An RNN built from a trained model's state_dict: inputSize, hiddenSize,
   * numLayers, bias and bidirectional are read from the names and shapes;
   * nonlinearity and batchFirst are not in a state_dict, so pass them if they
   * are not the defaults. `prefix` selects a submodule's keys (e.g. "rnn."
   * when the RNN sat inside a larger torch module); when absent it is found
   * from the key that ends in "weight_ih_l0". Other keys are ignored.
   *
   * @example
   * ```ts
   * import { RNN } from "./mod.ts";
   * const trained = new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2 }).stateDict();
   * const rnn = RNN.fromStateDict(trained, { batchFirst: true });
   * console.log(rnn.inputSize, rnn.hiddenSize, rnn.numLayers); // 3 4 2
   * ```
   */
  static fromStateDict(record: Record<string, Tensor>, options: FromStateDictOptions = {}): RNN {
    checkOptions("RNN.fromStateDict", "options", options, FROM_STATE_DICT_OPTION_NAMES);
    const found = findRNN(record, options.prefix, "options.prefix");
    const model = new RNN({
      ...found.sizes,
      nonlinearity: options.nonlinearity,
      batchFirst: options.batchFirst,
      simd: options.simd,
      threads: options.threads,
    });
    closedOnError(model, () => model.loadStateDict(found.own, found.prefix));
    return model;
  }

  /**
   * Bytes of WebAssembly memory this RNN holds: its packed weights and the
   * buffers of its largest forward so far (they are reused, never grown per call).
   */
  get memoryBytes(): number {
    return this.#kernel.memoryBytes;
  }

  /**
   * Runs the RNN over a sequence and returns `[output, hN]`.
   *
   * input: (L, N, H_in), or (N, L, H_in) when batchFirst, or unbatched (L, H_in).
   * h0: (D·numLayers, N, H), or (D·numLayers, H) when unbatched; zeros when absent.
   * output: (L, N, D·H), or (N, L, D·H) when batchFirst, or (L, D·H): the last
   * layer's h_t for every t, the reverse direction in [..., H:2H].
   * hN: like h0, each layer's and direction's final state.
   *
   * `options.lengths` runs a padded batch whose sequences have different
   * lengths, as torch's pack_padded_sequence → RNN → pad_packed_sequence (with
   * total_length = L): output is 0 past each sequence's length, hN holds each
   * sequence's state after its own last step, and the reverse direction starts
   * at that step. `options.out` writes the results into the caller's
   * `[output, hN]` instead of new tensors (see `OutOptions.out`).
   *
   * @example
   * ```ts
   * import { RNN, Tensor } from "./mod.ts";
   * const rnn = new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true });
   * const [output, hN] = rnn.forward(Tensor.zeros([5, 2, 3]));
   * console.log(output.shape, hN.shape); // [5, 2, 8] [4, 2, 4]
   * const [padded] = rnn.forward(Tensor.zeros([5, 2, 3]), undefined, { lengths: [5, 2] });
   * console.log(padded.shape); // [5, 2, 8], zeros at t ≥ 2 for the second sequence
   * ```
   */
  forward(input: Tensor, h0?: Tensor, options: ForwardOptions = NO_OPTIONS): [Tensor, Tensor] {
    return this.#run(input, h0, options, "forward");
  }

  /**
   * Advances the state by a chunk of one or more time steps: `x` has
   * forward's input layout and `h` is the `hN` of the previous call (zeros when
   * absent). Feeding a sequence in pieces gives the numbers of one forward
   * over the whole; a bidirectional model cannot stream and throws.
   * `options.out` writes the results into the caller's `[output, hN]`, which
   * may be `[y, h]` with `h` the state passed in: the state advances in place.
   *
   * @example
   * ```ts
   * import { RNN, tensor } from "./mod.ts";
   * const rnn = new RNN({ inputSize: 1, hiddenSize: 2, batchFirst: true });
   * let [, h] = rnn.step(tensor([[[1], [2]]]));
   * const [y] = rnn.step(tensor([[[3]]]), h);
   * console.log(y.shape); // [1, 1, 2]: h_3, as forward over [1, 2, 3] gives
   * // In place, no new results: y and state are overwritten at every step.
   * const frame = tensor([[[0]]]), state = tensor([[[0, 0]]]);
   * for (const value of [1, 2, 3]) {
   *   frame.data[0] = value;
   *   rnn.step(frame, state, { out: [y, state] });
   * }
   * console.log(y.data.every((v, i) => v === state.data[i])); // true: y = h_3 = state
   * ```
   */
  step(x: Tensor, h?: Tensor, options: OutOptions = NO_OPTIONS): [Tensor, Tensor] {
    if (this.bidirectional) {
      throw new Error(
        "step() cannot stream a bidirectional RNN: its reverse direction needs the whole sequence; use forward()",
      );
    }
    return this.#run(x, h, options, "step");
  }

  #run(
    input: Tensor,
    h0: Tensor | undefined,
    options: ForwardOptions,
    caller: string,
  ): [Tensor, Tensor] {
    if (!(input instanceof Tensor)) {
      throw new TypeError(`input must be a Tensor: got ${describe(input)}`);
    }
    const rank = input.shape.length;
    if (rank !== 2 && rank !== 3) {
      throw new RangeError(
        `input must be 2-D (unbatched) or 3-D (batched): got ${rank}-D tensor of shape [${input.shape}]`,
      );
    }
    const batched = rank === 3;
    const features = input.shape[rank - 1];
    if (features !== this.inputSize) {
      throw new RangeError(
        `input.size(-1) must be equal to inputSize: expected ${this.inputSize}, got ${features}`,
      );
    }
    const seqLen = batched && this.batchFirst ? input.shape[1] : input.shape[0];
    const batch = batched ? (this.batchFirst ? input.shape[0] : input.shape[1]) : 1;
    const { output: outputShape, state: stateShape } = this.#shapesOf(batched, seqLen, batch);
    const h0Name = caller === "step" ? "h" : "h0";
    if (h0 !== undefined) {
      if (!(h0 instanceof Tensor)) {
        throw new TypeError(
          `${h0Name} must be a Tensor or undefined: got ${describe(h0)}`,
        );
      }
      if (h0.shape.length !== rank) {
        throw new RangeError(
          `For ${
            batched ? "batched 3-D" : "unbatched 2-D"
          } input, ${h0Name} should also be ${rank}-D: got ${h0.shape.length}-D tensor of shape [${h0.shape}]`,
        );
      }
      if (!sameShape(h0.shape, stateShape)) {
        throw new RangeError(
          `${h0Name} must have the hidden size [${stateShape}] (D·numLayers, ${
            batched ? "N, " : ""
          }H): got [${h0.shape}]`,
        );
      }
    }
    if (seqLen === 0) {
      throw new RangeError(
        `Expected sequence length to be larger than 0 in RNN: got input of shape [${input.shape}]`,
      );
    }
    if (options !== NO_OPTIONS) {
      // Checked here, calling checkOptions only to throw: through that shared
      // function, which meets objects of many shapes, the check took 30 ns of the
      // lecture example's 0.29 µs call with out; here it takes about 20.
      const names = caller === "step" ? STEP_OPTION_NAMES : FORWARD_OPTION_NAMES;
      let known = typeof options === "object" && options !== null && !Array.isArray(options);
      if (known) { for (const key in options) if (!Object.hasOwn(names, key)) known = false; }
      if (!known) {
        if (caller === "step" && typeof options === "object" && options && "lengths" in options) {
          throw new TypeError("step() takes no lengths: every sequence runs the steps it is given");
        }
        checkOptions(`${caller}()`, "options", options, names);
      }
    }
    const lengths = options.lengths === undefined
      ? undefined
      : checkLengths(options.lengths, batched, batch, seqLen);
    const out = options.out === undefined
      ? undefined
      : checkOut(options.out, outputShape, stateShape);
    if (batch > 0) {
      const { output, hN } = this.#kernel.forward(
        dataOf(input, "input"),
        seqLen,
        batch,
        this.batchFirst,
        h0 && dataOf(h0, h0Name),
        lengths,
        out?.arrays,
      );
      if (!out) return [new Tensor(outputShape, output), new Tensor(stateShape, hN)];
    }
    return out ? out.tensors : [Tensor.zeros(outputShape), Tensor.zeros(stateShape)];
  }

  // Output and state shapes for a call's geometry, frozen once per geometry.
  #shapesOf(batched: boolean, seqLen: number, batch: number): ResultShapes {
    const last = this.#resultShapes;
    if (last.batched === batched && last.seqLen === seqLen && last.batch === batch) return last;
    const directions = this.bidirectional ? 2 : 1;
    const width = directions * this.hiddenSize, states = directions * this.numLayers;
    return this.#resultShapes = {
      batched,
      seqLen,
      batch,
      output: frozenShape(
        batched
          ? (this.batchFirst ? [batch, seqLen, width] : [seqLen, batch, width])
          : [seqLen, width],
      ),
      state: frozenShape(batched ? [states, batch, this.hiddenSize] : [states, this.hiddenSize]),
    };
  }

  /**
   * The parameters as `[name, tensor]` pairs in torch's `named_parameters()`
   * order; the tensors are copies.
   *
   * @example
   * ```ts
   * import { RNN } from "./mod.ts";
   * const rnn = new RNN({ inputSize: 1, hiddenSize: 2 });
   * for (const [name, p] of rnn.namedParameters()) console.log(name, p.shape);
   * // weight_ih_l0 [2, 1], weight_hh_l0 [2, 2], bias_ih_l0 [2], bias_hh_l0 [2]
   * ```
   */
  namedParameters(): [string, Tensor][] {
    return this.#params.named();
  }

  /**
   * The model as torch's `print(rnn)` shows it: the sizes, then each option
   * that is not torch's default, except nonlinearity (torch shows none).
   *
   * @example
   * ```ts
   * import { RNN } from "./mod.ts";
   * console.log(`${new RNN({ inputSize: 1, hiddenSize: 2, batchFirst: true })}`);
   * // RNN(1, 2, batch_first=True)
   * ```
   */
  toString(): string {
    const options = [`${this.inputSize}`, `${this.hiddenSize}`];
    if (this.numLayers !== 1) options.push(`num_layers=${this.numLayers}`);
    if (!this.bias) options.push("bias=False");
    if (this.batchFirst) options.push("batch_first=True");
    if (this.dropout !== 0) options.push(`dropout=${pythonFloat(this.dropout)}`);
    if (this.bidirectional) options.push("bidirectional=True");
    return `RNN(${options.join(", ")})`;
  }

  /**
   * The parameter tensors (copies), in `namedParameters()` order.
   *
   * @example
   * ```ts
   * import { RNN } from "./mod.ts";
   * const count = new RNN({ inputSize: 1, hiddenSize: 2 }).parameters()
   *   .reduce((sum, p) => sum + p.size, 0);
   * console.log(count); // 10
   * ```
   */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * The parameters as a record in torch's `state_dict()` order (copies).
   *
   * @example
   * ```ts
   * import { RNN } from "./mod.ts";
   * console.log(Object.keys(new RNN({ inputSize: 1, hiddenSize: 2 }).stateDict()));
   * // ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
   * ```
   */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedParameters());
  }

  /**
   * Replaces every parameter, strictly as torch's `load_state_dict`: a missing
   * or unexpected key, or a wrong shape, is an error and nothing changes.
   * Names may carry `prefix` (e.g. "rnn." for an RNN saved inside a larger
   * torch module); keys outside the prefix, the other modules', are ignored.
   * Values are copied; the record is never kept or changed.
   *
   * @example
   * ```ts
   * import { RNN } from "./mod.ts";
   * const a = new RNN({ inputSize: 1, hiddenSize: 2 });
   * const b = new RNN({ inputSize: 1, hiddenSize: 2 });
   * b.loadStateDict(a.stateDict());
   * ```
   */
  loadStateDict(record: Record<string, Tensor>, prefix = ""): void {
    this.#params.load(record, prefix);
    this.#upload();
  }

  #upload(): void {
    const params = this.#params;
    this.#kernel.uploadWeights(
      kernelWeights((name) => params.get(name), this.numLayers, this.bidirectional ? 2 : 1),
    );
  }
}

/**
 * The weights of every (layer, direction) in the kernel's order (layer-major,
 * forward first), looked up by state_dict name; the biases may be missing.
 */
export function kernelWeights(
  get: (name: string) => Float32Array | undefined,
  numLayers: number,
  directions: number,
): LayerWeights[] {
  const weights: LayerWeights[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    for (let dir = 0; dir < directions; dir++) {
      const suffix = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
      weights.push({
        weightIh: get(`weight_ih${suffix}`)!,
        weightHh: get(`weight_hh${suffix}`)!,
        biasIh: get(`bias_ih${suffix}`),
        biasHh: get(`bias_hh${suffix}`),
      });
    }
  }
  return weights;
}

/**
 * Runs `build`, the rest of a construction that made `model`, and returns its
 * result; if it throws, closes the model first, so that a second thread it
 * started for `threads: 2` stops at once rather than at its idle limit.
 */
export function closedOnError<R>(model: { close(): void }, build: () => R): R {
  try {
    return build();
  } catch (error) {
    model.close();
    throw error;
  }
}

const RNN_PARAMETER_NAME = /^(weight|bias)_(ih|hh)_l\d+(_reverse)?$/;

/** The RNN a trained state_dict holds: its sizes, key prefix and own keys. */
export interface FoundRNN {
  /** inputSize, hiddenSize, numLayers, bias and bidirectional, from names and shapes. */
  sizes: Pick<RNNOptions, "inputSize" | "hiddenSize" | "numLayers" | "bias" | "bidirectional">;
  /** The prefix of its keys, e.g. "rnn.". */
  prefix: string;
  /** Its keys: the prefix, then a name torch gives RNN parameters; others are left out. */
  own: Record<string, Tensor>;
}

/**
 * Finds the RNN in a trained state_dict (see `RNN.fromStateDict`): under
 * `prefix`, or the prefix of the one key that ends in "weight_ih_l0".
 * `prefixOption` is how the caller's user passes a prefix, for the messages.
 */
export function findRNN(
  record: Record<string, Tensor>,
  prefix: string | undefined,
  prefixOption: string,
): FoundRNN {
  if (typeof record !== "object" || record === null) {
    throw new TypeError(
      `fromStateDict expects a record of name to Tensor: got ${describe(record)}`,
    );
  }
  if (prefix !== undefined && typeof prefix !== "string") {
    throw new TypeError(`fromStateDict: ${prefixOption} must be a string: got ${describe(prefix)}`);
  }
  if (prefix === undefined) {
    const candidates = Object.keys(record).filter((key) => key.endsWith("weight_ih_l0"));
    if (candidates.length !== 1) {
      throw new Error(
        `fromStateDict: expected exactly one key ending in "weight_ih_l0", got ${candidates.length} (${
          candidates.map((k) => `"${k}"`).join(", ") || "none"
        }); give the RNN's prefix as ${prefixOption}`,
      );
    }
    prefix = candidates[0].slice(0, -"weight_ih_l0".length);
  }
  const own: Record<string, Tensor> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key.startsWith(prefix) && RNN_PARAMETER_NAME.test(key.slice(prefix.length))) {
      own[key] = value;
    }
  }
  const shapeOf = (name: string): readonly number[] => {
    const key = prefix + name, value = own[key];
    if (value === undefined) {
      // Say where an RNN's weights are when the prefix names none.
      const elsewhere = prefix && !Object.hasOwn(own, `${prefix}weight_ih_l0`)
        ? Object.keys(record).filter((k) => k.endsWith(name)).map((k) =>
          `"${k.slice(0, -name.length)}"`
        )
        : [];
      throw new Error(
        `fromStateDict: no "${key}" in the record${
          elsewhere.length ? `; RNN weights are under the prefix ${elsewhere.join(", ")}` : ""
        }`,
      );
    }
    if (!(value instanceof Tensor) || value.shape.length !== 2) {
      throw new Error(`fromStateDict: "${key}" must be a 2-D Tensor: got ${describe(value)}`);
    }
    return value.shape;
  };
  const inputSize = shapeOf("weight_ih_l0")[1];
  // nn.LSTM and nn.GRU name their parameters as nn.RNN does, with the gates stacked in rows.
  const [rows, columns] = shapeOf("weight_hh_l0");
  if (rows !== columns) {
    const like = Object.hasOwn(record, `${prefix}weight_hr_l0`) || rows === 4 * columns
      ? "nn.LSTM's (4·H rows: input, forget, cell and output gates)"
      : rows === 3 * columns
      ? "nn.GRU's (3·H rows: reset, update and new gates)"
      : undefined;
    throw new Error(
      `fromStateDict: "${prefix}weight_hh_l0" must be square (H, H), as nn.RNN's is: got [${rows}, ${columns}]${
        like ? `, like an ${like}; only nn.RNN is supported` : ""
      }`,
    );
  }
  let numLayers = 0;
  while (Object.hasOwn(own, `${prefix}weight_ih_l${numLayers}`)) numLayers++;
  const sizes = {
    inputSize,
    hiddenSize: rows,
    numLayers,
    bias: Object.hasOwn(own, `${prefix}bias_ih_l0`),
    bidirectional: Object.hasOwn(own, `${prefix}weight_ih_l0_reverse`),
  };
  return { sizes, prefix, own };
}

/** Options of `RNN.fromStateDict`: what a state_dict cannot tell. */
export interface FromStateDictOptions {
  /** As for `new RNN`. */
  threads?: 1 | 2;
  /** Default "tanh". */
  nonlinearity?: Nonlinearity;
  /** Default false. */
  batchFirst?: boolean;
  /** The submodule's key prefix, e.g. "rnn."; found from the keys when absent. */
  prefix?: string;
  /** The kernel build, as for `new RNN`. */
  simd?: KernelFlavor;
}

/** The option names of `RNN.fromStateDict`, shared with `RNNModel.fromStateDict`. */
export const FROM_STATE_DICT_OPTION_NAMES = {
  threads: true,
  nonlinearity: true,
  batchFirst: true,
  prefix: true,
  simd: true,
} as const satisfies Record<keyof FromStateDictOptions, true>;

/** Where a call of `RNN.forward` or `RNN.step` puts its results: the options of `step`. */
export interface OutOptions {
  /**
   * `[output, hN]` to write the results into, instead of new tensors: of
   * exactly the shapes the call returns (torch's `out=` resizes a tensor of
   * another shape; this refuses it), not sharing memory with each other; the
   * call returns them. With the same shapes call after call, no memory for
   * results is allocated (a new result of 32 MiB costs about 15–18 ms of page
   * faults). They may be the tensors passed as input or h0, which are read
   * before anything is written. Shared memory is recognised by buffer object:
   * two SharedArrayBuffer objects over the same memory (one sent to a Worker
   * and back, say) look separate, and then hN overwrites part of the output.
   */
  out?: readonly [Tensor, Tensor];
}

/** Per-call options of `RNN.forward`. */
export interface ForwardOptions extends OutOptions {
  /**
   * For a padded batch: the length of each sequence (N integers in 1..L), as
   * given to torch's pack_padded_sequence (any order: enforce_sorted=False).
   */
  lengths?: ArrayLike<number> | Tensor;
}

// A number as Python's repr(float) writes it: 1.0, 0.5, 1e-05.
function pythonFloat(x: number): string {
  const [digits, exponent] = x.toExponential().split("e");
  const power = Number(exponent);
  if (power < -4 || power >= 16) {
    return `${digits}e${power < 0 ? "-" : "+"}${String(Math.abs(power)).padStart(2, "0")}`;
  }
  return Number.isInteger(x) ? `${x}.0` : `${x}`;
}

// The default of forward() and step(): a call without options skips their check
// (a new {} and a loop over it cost about 5% of the lecture example's call).
const NO_OPTIONS: ForwardOptions = Object.freeze({});

const FORWARD_OPTION_NAMES = {
  lengths: true,
  out: true,
} as const satisfies Record<keyof ForwardOptions, true>;
const STEP_OPTION_NAMES = { out: true } as const satisfies Record<keyof OutOptions, true>;

// Whether two shapes are equal; results of one geometry share one frozen shape.
function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let axis = 0; axis < a.length; axis++) if (a[axis] !== b[axis]) return false;
  return true;
}

// The caller's result tensors (the `out` option), checked against the shapes the
// call returns, with the arrays to write into: each element and its data is read
// once, so what was checked is what is written.
function checkOut(
  out: unknown,
  outputShape: readonly number[],
  stateShape: readonly number[],
): { tensors: [Tensor, Tensor]; arrays: { output: Float32Array; hN: Float32Array } } {
  if (!Array.isArray(out) || out.length !== 2) {
    throw new TypeError(`out must be [output, hN], two Tensors: got ${describe(out)}`);
  }
  const output: unknown = out[0], hN: unknown = out[1];
  const a = checkOutTensor(output, outputShape, "out[0] (output)");
  const b = checkOutTensor(hN, stateShape, "out[1] (hN)");
  if (
    a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength &&
    b.byteOffset < a.byteOffset + a.byteLength
  ) {
    throw new RangeError(
      `out[0] and out[1] share memory: bytes ${a.byteOffset}..${
        a.byteOffset + a.byteLength
      } and ${b.byteOffset}..${b.byteOffset + b.byteLength} of one buffer; each needs its own`,
    );
  }
  return { tensors: [output as Tensor, hN as Tensor], arrays: { output: a, hN: b } };
}

// One tensor of `out`: a Tensor of the given shape; returns its data.
function checkOutTensor(tensor: unknown, shape: readonly number[], name: string): Float32Array {
  if (!(tensor instanceof Tensor)) {
    throw new TypeError(`${name} must be a Tensor: got ${describe(tensor)}`);
  }
  if (!sameShape(tensor.shape, shape)) {
    throw new RangeError(
      `${name} must have the shape this call returns: expected [${shape}], got [${tensor.shape}]`,
    );
  }
  return dataOf(tensor, name);
}

function checkLengths(
  value: ArrayLike<number> | Tensor,
  batched: boolean,
  batch: number,
  seqLen: number,
): Int32Array {
  if (!batched) {
    throw new RangeError("lengths applies to batched 3-D input only: got unbatched 2-D input");
  }
  const values = value instanceof Tensor ? value.data : value;
  if (
    values === null || typeof values !== "object" || typeof values.length !== "number" ||
    (value instanceof Tensor && value.shape.length !== 1)
  ) {
    throw new TypeError(`lengths must be an array of ${batch} integers: got ${describe(value)}`);
  }
  if (values.length !== batch) {
    throw new RangeError(
      `lengths must have one entry per sequence: expected ${batch}, got ${values.length}`,
    );
  }
  const lengths = new Int32Array(batch);
  for (let n = 0; n < batch; n++) {
    const length = values[n];
    if (typeof length !== "number" || !Number.isInteger(length) || length < 1 || length > seqLen) {
      throw new RangeError(
        `lengths[${n}] must be an integer in 1..${seqLen} (the padded sequence length): got ${
          describe(length)
        }`,
      );
    }
    lengths[n] = length;
  }
  return lengths;
}

type Sizes = Pick<RNN, "inputSize" | "hiddenSize" | "numLayers" | "bias" | "bidirectional">;

/** The number of parameters, computed without materialising their shapes. */
export function parameterCount(
  { inputSize, hiddenSize: H, numLayers, bias, bidirectional }: Sizes,
): number {
  const D = bidirectional ? 2 : 1;
  const perDirection = (inWidth: number) => H * inWidth + H * H + (bias ? 2 * H : 0);
  const upper = numLayers > 1 ? (numLayers - 1) * perDirection(D * H) : 0; // no 0 · Infinity
  return D * (perDirection(inputSize) + upper);
}

/** Names and shapes of an RNN's parameters, in torch's state_dict order. */
function parameterShapes(rnn: Sizes): [string, number[]][] {
  const { inputSize, hiddenSize: H, numLayers, bias, bidirectional } = rnn;
  const result: [string, number[]][] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    for (const suffix of bidirectional ? ["", "_reverse"] : [""]) {
      const inWidth = layer === 0 ? inputSize : (bidirectional ? 2 : 1) * H;
      result.push([`weight_ih_l${layer}${suffix}`, [H, inWidth]]);
      result.push([`weight_hh_l${layer}${suffix}`, [H, H]]);
      if (bias) {
        result.push([`bias_ih_l${layer}${suffix}`, [H]]);
        result.push([`bias_hh_l${layer}${suffix}`, [H]]);
      }
    }
  }
  return result;
}

/** The `simd` option's flavor (the default when undefined), refused when unknown or unsupported. */
export function kernelFlavor(simd: unknown): KernelFlavor {
  const flavor = simd ?? DEFAULT_FLAVOR;
  if (flavor !== "relaxed" && flavor !== "strict") {
    throw new RangeError(`simd must be "relaxed" or "strict": got ${describe(simd)}`);
  }
  if (flavor === "relaxed" && !RELAXED_SIMD_SUPPORTED) {
    throw new Error('simd "relaxed" is not supported by this engine: use "strict"');
  }
  return flavor;
}
