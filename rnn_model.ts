/**
 * An RNN with an output head, as a torch user writes `class Model(nn.Module)`
 * holding `self.rnn = nn.RNN(...)` and `self.fc = nn.Linear(...)`.
 *
 * @module
 */
import { describe } from "./_describe.ts";
import { checkOptions } from "./_options.ts";
import { Linear } from "./linear.ts";
import {
  closedOnError,
  findRNN,
  type ForwardOptions,
  FROM_STATE_DICT_OPTION_NAMES,
  type FromStateDictOptions,
  RNN,
  RNN_OPTION_NAMES,
  type RNNOptions,
} from "./rnn.ts";
import { Tensor } from "./tensor.ts";

/** Options of `new RNNModel`: the RNN's, and the head's output size. */
export interface RNNModelOptions {
  /** The recurrent part, as for `new RNN`. */
  rnn: RNNOptions;
  /** The head y_t = W_hy h_t + b_y; its inFeatures is the RNN's D·H. */
  head: { outFeatures: number; bias?: boolean };
}

/** Key prefixes of the two submodules in a torch state_dict. */
export interface ModelPrefixes {
  /** Default "rnn.". */
  rnn?: string;
  /** Default "fc.". */
  head?: string;
}

/** Options of `RNNModel.fromStateDict`: those of `RNN.fromStateDict`, with both prefixes. */
export interface ModelFromStateDictOptions extends Omit<FromStateDictOptions, "prefix"> {
  /**
   * The RNN's prefix (found from the keys when absent) and the head's (default
   * "fc." beside the RNN: "model.fc." when the RNN's is "model.rnn.").
   */
  prefixes?: ModelPrefixes;
}

const MODEL_OPTION_NAMES = { rnn: true, head: true } as const satisfies Record<
  keyof RNNModelOptions,
  true
>;
const HEAD_OPTION_NAMES = { outFeatures: true, bias: true } as const satisfies Record<
  keyof RNNModelOptions["head"],
  true
>;
const MODEL_FORWARD_OPTION_NAMES = { lengths: true } as const satisfies Record<
  keyof Omit<ForwardOptions, "out">,
  true
>;
const LOAD_OPTION_NAMES = { prefixes: true } as const satisfies Record<"prefixes", true>;
const PREFIX_NAMES = { rnn: true, head: true } as const satisfies Record<keyof ModelPrefixes, true>;
const { prefix: _, ...rnnFromStateDictNames } = FROM_STATE_DICT_OPTION_NAMES;
const MODEL_FROM_STATE_DICT_OPTION_NAMES = {
  ...rnnFromStateDictNames,
  prefixes: true,
} as const satisfies Record<keyof ModelFromStateDictOptions, true>;

/**
 * RNN then Linear on every step: h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),
 * y_t = W_hy h_t + b_y (the lecture's two equations).
 *
 * @example
 * ```ts
 * import { RNNModel, tensor } from "./mod.ts";
 * const model = new RNNModel({
 *   rnn: { inputSize: 1, hiddenSize: 2, batchFirst: true },
 *   head: { outFeatures: 1 },
 * });
 * const [y, hN] = model.forward(tensor([[[1], [2], [3]]]));
 * console.log(y.shape, hN.shape); // [1, 3, 1] [1, 1, 2]
 * ```
 */
export class RNNModel {
  /** The recurrent part. */
  readonly rnn: RNN;
  /** The output head. */
  readonly head: Linear;

  /** Builds both parts with torch's default initialisation. */
  constructor(options: RNNModelOptions) {
    checkOptions("new RNNModel", "options", options, MODEL_OPTION_NAMES);
    checkOptions("new RNNModel", "rnn", options.rnn, RNN_OPTION_NAMES);
    checkOptions("new RNNModel", "head", options.head, HEAD_OPTION_NAMES);
    const rnn = this.rnn = new RNN(options.rnn);
    this.head = closedOnError(rnn, () =>
      new Linear({
        inFeatures: (rnn.bidirectional ? 2 : 1) * rnn.hiddenSize,
        outFeatures: options.head.outFeatures,
        bias: options.head.bias,
        generator: options.rnn.generator,
        simd: rnn.simd,
      }));
  }

  /**
   * A model built from a trained torch `Model`'s state_dict: the RNN as
   * `RNN.fromStateDict` finds it, and the head from "<head prefix>weight"
   * (outFeatures × D·H) and "<head prefix>bias" when present, the head's prefix
   * being "fc." beside the RNN's unless given; a given one is also looked for
   * beside the RNN's ("fc." finds "model.fc."). Other keys are ignored.
   *
   * @example
   * ```ts
   * import { RNNModel } from "./mod.ts";
   * const trained = new RNNModel({ rnn: { inputSize: 3, hiddenSize: 4 }, head: { outFeatures: 2 } });
   * const model = RNNModel.fromStateDict(trained.stateDict());
   * console.log(model.rnn.hiddenSize, model.head.outFeatures); // 4 2
   * ```
   */
  static fromStateDict(
    record: Record<string, Tensor>,
    options: ModelFromStateDictOptions = {},
  ): RNNModel {
    const where = "RNNModel.fromStateDict";
    if (typeof options === "object" && options !== null && "prefix" in options) {
      throw new TypeError(
        "RNNModel.fromStateDict takes prefixes: { rnn, head }, not prefix (that is RNN.fromStateDict's)",
      );
    }
    checkOptions(where, "options", options, MODEL_FROM_STATE_DICT_OPTION_NAMES);
    const { prefixes = {}, ...rnnOptions } = options;
    checkOptions(where, "prefixes", prefixes, PREFIX_NAMES);
    const found = findRNN(record, prefixes.rnn, "options.prefixes.rnn");
    // torch's Model holds rnn and fc side by side: "model.fc." beside "model.rnn.".
    const parent = found.prefix.endsWith(".") ? found.prefix.replace(/[^.]*\.$/, "") : "";
    const has = (key: string) => Object.hasOwn(record, key);
    if (prefixes.head !== undefined && typeof prefixes.head !== "string") {
      throw new TypeError(
        `fromStateDict: options.prefixes.head must be a string: got ${describe(prefixes.head)}`,
      );
    }
    let head = prefixes.head ?? `${parent}fc.`;
    // A given prefix may be relative to the RNN's module, as the default is: "fc." is "model.fc.".
    if (prefixes.head && !has(`${head}weight`) && has(`${parent}${head}weight`)) {
      head = parent + head;
    }
    if (head === found.prefix) {
      throw new RangeError(
        `fromStateDict: the head's prefix is the RNN's, "${head}": they must differ`,
      );
    }
    const weight = record[`${head}weight`];
    if (!has(`${head}weight`)) {
      const dotted = !head.endsWith(".") && has(`${head}.weight`);
      const features = found.sizes.hiddenSize * (found.sizes.bidirectional ? 2 : 1);
      const heads = linearPrefixes(record, features).map((prefix) => `"${prefix}"`);
      throw new Error(
        `fromStateDict: no "${head}weight" in the record for the head${
          dotted
            ? ` (the prefix "${head}." has one)`
            : heads.length
            ? `; prefixes that hold a ${features}-column weight: ${heads.join(", ")} ` +
              "(name one as the head's prefix)"
            : ""
        }`,
      );
    }
    if (!(weight instanceof Tensor) || weight.shape.length !== 2) {
      throw new Error(
        `fromStateDict: the head's "${head}weight" must be a 2-D Tensor: got ${describe(weight)}`,
      );
    }
    if (weight.shape[0] === 0) {
      throw new RangeError(
        `fromStateDict: the head's "${head}weight" has 0 rows: the head needs outFeatures ≥ 1`,
      );
    }
    const bias = has(`${head}bias`);
    const model = new RNNModel({
      rnn: { ...found.sizes, ...rnnOptions },
      head: { outFeatures: weight.shape[0], bias },
    });
    closedOnError(model, () => {
      model.rnn.loadStateDict(found.own, found.prefix);
      const headRecord = { [`${head}weight`]: weight };
      if (bias) headRecord[`${head}bias`] = record[`${head}bias`];
      model.head.loadStateDict(headRecord, head);
    });
    return model;
  }

  /**
   * Returns `[y, hN]`: y has the RNN output's shape with outFeatures as its
   * last axis; hN is the RNN's. Takes `forward`'s h0 and `lengths` (not `out`:
   * call `model.rnn.forward` for that).
   *
   * @example
   * ```ts
   * import { RNNModel, Tensor } from "./mod.ts";
   * const model = new RNNModel({ rnn: { inputSize: 3, hiddenSize: 4 }, head: { outFeatures: 2 } });
   * console.log(model.forward(Tensor.zeros([5, 3]))[0].shape); // [5, 2]
   * ```
   */
  forward(input: Tensor, h0?: Tensor, options?: Omit<ForwardOptions, "out">): [Tensor, Tensor] {
    if (options !== undefined) {
      if (typeof options === "object" && options !== null && "out" in options) {
        throw new TypeError(
          "RNNModel.forward takes no out: y is a new tensor; use model.rnn.forward(input, h0, { out }) and model.head.forward",
        );
      }
      checkOptions("RNNModel.forward()", "options", options, MODEL_FORWARD_OPTION_NAMES);
    }
    const [output, hN] = this.rnn.forward(input, h0, options);
    return [this.head.forward(output), hN];
  }

  /** As `RNN.ready`: the RNN's second thread, when it has `threads: 2`. */
  get ready(): Promise<void> {
    return this.rnn.ready;
  }

  /** As `RNN.close()`. */
  close(): void {
    this.rnn.close();
  }

  /** `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * The model as torch's `print(model)` shows a `Model` holding `rnn` and `fc`.
   *
   * @example
   * ```ts
   * import { RNNModel } from "./mod.ts";
   * console.log(`${new RNNModel({ rnn: { inputSize: 1, hiddenSize: 2 }, head: { outFeatures: 1 } })}`);
   * // Model(
   * //   (rnn): RNN(1, 2)
   * //   (fc): Linear(in_features=2, out_features=1, bias=True)
   * // )
   * ```
   */
  toString(): string {
    return `Model(\n  (rnn): ${this.rnn}\n  (fc): ${this.head}\n)`;
  }

  /**
   * Both parts' parameters under their prefixes, RNN first, as torch orders them.
   *
   * @example
   * ```ts
   * import { RNNModel } from "./mod.ts";
   * const model = new RNNModel({ rnn: { inputSize: 1, hiddenSize: 2 }, head: { outFeatures: 1 } });
   * console.log(Object.keys(model.stateDict()).at(-1)); // "fc.bias"
   * ```
   */
  stateDict(prefixes: ModelPrefixes = {}): Record<string, Tensor> {
    const { rnn, head } = resolve("RNNModel.stateDict", prefixes);
    return Object.fromEntries([
      ...this.rnn.namedParameters().map(([name, p]) => [rnn + name, p]),
      ...this.head.namedParameters().map(([name, p]) => [head + name, p]),
    ]);
  }

  /**
   * Loads a whole model's state_dict, strictly under the two prefixes: a
   * missing or unexpected key there, or a wrong shape, is an error and nothing
   * changes. Keys under neither prefix, other modules' (an embedding, a
   * normalisation), are ignored.
   *
   * @example
   * ```ts
   * import { RNNModel } from "./mod.ts";
   * const a = new RNNModel({ rnn: { inputSize: 1, hiddenSize: 2 }, head: { outFeatures: 1 } });
   * const b = new RNNModel({ rnn: { inputSize: 1, hiddenSize: 2 }, head: { outFeatures: 1 } });
   * b.loadStateDict(a.stateDict());
   * ```
   */
  loadStateDict(record: Record<string, Tensor>, options: { prefixes?: ModelPrefixes } = {}): void {
    if (typeof record !== "object" || record === null) {
      throw new TypeError(
        `loadStateDict expects a record of name to Tensor: got ${describe(record)}`,
      );
    }
    checkOptions("RNNModel.loadStateDict", "options", options, LOAD_OPTION_NAMES);
    const prefixes = resolve("RNNModel.loadStateDict", options.prefixes ?? {});
    const parts: Record<"rnn" | "head", Record<string, Tensor>> = { rnn: {}, head: {} };
    // Each key goes to the part whose prefix it starts with, the longer prefix
    // first, so that one prefix may be a prefix of the other (even ""). Keys
    // under neither are other modules' and are left out.
    const order = prefixes.rnn.length >= prefixes.head.length
      ? (["rnn", "head"] as const)
      : (["head", "rnn"] as const);
    for (const [key, value] of Object.entries(record)) {
      const part = order.find((name) => key.startsWith(prefixes[name]));
      if (part) parts[part][key] = value;
    }
    const previous = this.rnn.stateDict();
    this.rnn.loadStateDict(parts.rnn, prefixes.rnn);
    try {
      this.head.loadStateDict(parts.head, prefixes.head);
    } catch (error) {
      this.rnn.loadStateDict(previous);
      throw error;
    }
  }
}

/**
 * The prefixes P ("fc.", "model.head.") of the layers in `record` that could be
 * a torch.nn.Linear on `inFeatures` features: P + "weight" is a 2-D tensor of
 * that many columns.
 */
export function linearPrefixes(record: Record<string, Tensor>, inFeatures: number): string[] {
  return Object.entries(record).filter(([key, value]) =>
    /.\.weight$/.test(key) && value instanceof Tensor && value.shape.length === 2 &&
    value.shape[1] === inFeatures
  ).map(([key]) => key.slice(0, -"weight".length));
}

function resolve(where: string, prefixes: ModelPrefixes): { rnn: string; head: string } {
  checkOptions(where, "prefixes", prefixes, PREFIX_NAMES);
  const rnn = prefixes.rnn ?? "rnn.", head = prefixes.head ?? "fc.";
  if (typeof rnn !== "string" || typeof head !== "string" || rnn === head) {
    throw new RangeError(
      `prefixes must be two different strings: got rnn ${describe(rnn)}, head ${describe(head)}`,
    );
  }
  return { rnn, head };
}
