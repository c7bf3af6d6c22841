/**
 * torch.nn.Linear for inference, its matrix product in the same WebAssembly
 * SIMD kernels as the RNN: the output head y_t = W_hy h_t + b_y.
 *
 * @module
 */
import { type KernelFlavor, LinearKernel } from "./_kernels.ts";
import { describe } from "./_describe.ts";
import { ParameterStore } from "./_parameters.ts";
import { checkOptions, dataOf, flag, positiveInteger } from "./_options.ts";
import { kernelFlavor } from "./rnn.ts";
import { checkGenerator, defaultGenerator, type Generator, uniform_ } from "./random.ts";
import { Tensor } from "./tensor.ts";

/** Options of `new Linear`, with torch.nn.Linear's names (camelCase) and defaults. */
export interface LinearOptions {
  /** Features of each input row: the last axis of the input. */
  inFeatures: number;
  /** Features of each output row. */
  outFeatures: number;
  /** Whether the layer has a bias. Default true. */
  bias?: boolean;
  /** Where the initial parameters are drawn from, as for `RNN`. */
  generator?: Generator;
  /** The kernel build, as for `RNN`. */
  simd?: KernelFlavor;
}

const LINEAR_OPTION_NAMES = {
  inFeatures: true,
  outFeatures: true,
  bias: true,
  generator: true,
  simd: true,
} as const satisfies Record<keyof LinearOptions, true>;

/**
 * y = x Wᵀ + b on the last axis of any tensor, with torch.nn.Linear's
 * parameters `weight` (outFeatures, inFeatures) and `bias` (outFeatures),
 * initialised bit for bit as torch does (U(-1/√inFeatures, 1/√inFeatures)).
 *
 * @example
 * ```ts
 * import { Linear, Tensor } from "./mod.ts";
 * const head = new Linear({ inFeatures: 2, outFeatures: 1 });
 * console.log(head.forward(Tensor.zeros([1, 3, 2])).shape); // [1, 3, 1]
 * ```
 */
export class Linear {
  /** Features of each input row. */
  readonly inFeatures: number;
  /** Features of each output row. */
  readonly outFeatures: number;
  /** Whether the layer has a bias. */
  readonly bias: boolean;
  /** The kernel build in use, as for `RNN`. */
  readonly simd: KernelFlavor;
  readonly #params: ParameterStore;
  readonly #kernel: LinearKernel;

  /** Builds the layer and uploads its freshly initialised weights to WebAssembly. */
  constructor(options: LinearOptions) {
    checkOptions("new Linear", "options", options, LINEAR_OPTION_NAMES);
    this.inFeatures = positiveInteger("inFeatures", options.inFeatures);
    this.outFeatures = positiveInteger("outFeatures", options.outFeatures);
    this.bias = flag("bias", options.bias, true);
    this.simd = kernelFlavor(options.simd);
    if (this.inFeatures * this.outFeatures * 8 > 2 ** 32) {
      throw new RangeError(
        `a ${this.outFeatures}×${this.inFeatures} weight is more than 32-bit WebAssembly memory (4 GiB) can hold twice (raw and packed)`,
      );
    }
    const generator = options.generator ?? defaultGenerator;
    checkGenerator(generator);
    const shapes: [string, number[]][] = [["weight", [this.outFeatures, this.inFeatures]]];
    if (this.bias) shapes.push(["bias", [this.outFeatures]]);
    this.#params = new ParameterStore("Linear", shapes);
    // torch's reset_parameters: kaiming_uniform_(weight, a=√5), whose bound is
    // √3·gain/√fan_in with gain = √(2 / (1 + a²)), then the bias from U(-1/√fan_in, 1/√fan_in).
    const slope = Math.sqrt(5);
    const weightBound = Math.sqrt(3) *
      (Math.sqrt(2 / (1 + slope ** 2)) / Math.sqrt(this.inFeatures));
    uniform_(this.#params.get("weight")!, -weightBound, weightBound, generator);
    if (this.bias) {
      const biasBound = 1 / Math.sqrt(this.inFeatures);
      uniform_(this.#params.get("bias")!, -biasBound, biasBound, generator);
    }
    this.#kernel = new LinearKernel(this.inFeatures, this.outFeatures, this.simd);
    this.#upload();
  }

  /**
   * Applies the layer to the last axis: (*, inFeatures) → (*, outFeatures).
   *
   * @example
   * ```ts
   * import { Linear, tensor } from "./mod.ts";
   * const head = new Linear({ inFeatures: 2, outFeatures: 3 });
   * console.log(head.forward(tensor([1, 2])).shape); // [3]
   * ```
   */
  forward(input: Tensor): Tensor {
    if (!(input instanceof Tensor)) {
      throw new TypeError(`input must be a Tensor: got ${describe(input)}`);
    }
    const rank = input.shape.length;
    if (rank === 0 || input.shape[rank - 1] !== this.inFeatures) {
      throw new RangeError(
        `input.size(-1) must be equal to inFeatures: expected ${this.inFeatures}, got ${
          rank === 0 ? "a 0-D tensor" : input.shape[rank - 1]
        }`,
      );
    }
    const data = dataOf(input, "input");
    const rows = data.length / this.inFeatures;
    const shape = [...input.shape.slice(0, -1), this.outFeatures];
    if (rows === 0) return Tensor.zeros(shape);
    return new Tensor(shape, this.#kernel.forward(data, rows));
  }

  /**
   * The parameters as `[name, tensor]` pairs (copies): `weight`, then `bias`.
   *
   * @example
   * ```ts
   * import { Linear } from "./mod.ts";
   * console.log(new Linear({ inFeatures: 4, outFeatures: 2 }).namedParameters().map(([n]) => n));
   * // ["weight", "bias"]
   * ```
   */
  namedParameters(): [string, Tensor][] {
    return this.#params.named();
  }

  /**
   * The layer as torch's `print(linear)` shows it.
   *
   * @example
   * ```ts
   * import { Linear } from "./mod.ts";
   * console.log(`${new Linear({ inFeatures: 2, outFeatures: 1 })}`);
   * // Linear(in_features=2, out_features=1, bias=True)
   * ```
   */
  toString(): string {
    return `Linear(in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${
      this.bias ? "True" : "False"
    })`;
  }

  /**
   * The parameter tensors (copies), in `namedParameters()` order.
   *
   * @example
   * ```ts
   * import { Linear } from "./mod.ts";
   * console.log(new Linear({ inFeatures: 4, outFeatures: 2 }).parameters().length); // 2
   * ```
   */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * The parameters as a record in state_dict order (copies).
   *
   * @example
   * ```ts
   * import { Linear } from "./mod.ts";
   * console.log(new Linear({ inFeatures: 4, outFeatures: 2 }).stateDict().weight.shape); // [2, 4]
   * ```
   */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedParameters());
  }

  /**
   * Replaces every parameter, strictly as torch's `load_state_dict` (names may
   * carry `prefix`, e.g. "fc."; keys outside the prefix, other modules', are
   * ignored). Values are copied.
   *
   * @example
   * ```ts
   * import { Linear, Tensor } from "./mod.ts";
   * const head = new Linear({ inFeatures: 2, outFeatures: 1 });
   * head.loadStateDict({ weight: new Tensor([1, 2], [1, 1]), bias: new Tensor([1], [0]) });
   * console.log(head.forward(new Tensor([2], [3, 4])).data[0]); // 7
   * ```
   */
  loadStateDict(record: Record<string, Tensor>, prefix = ""): void {
    this.#params.load(record, prefix);
    this.#upload();
  }

  #upload(): void {
    this.#kernel.uploadWeights(this.#params.get("weight")!, this.#params.get("bias"));
  }
}
