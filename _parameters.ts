// Named float32 parameters in torch's state_dict order, with torch's strict
// load_state_dict rules. Shared by RNN and Linear.

import { describe } from "./_describe.ts";
import { dataOf } from "./_options.ts";
import { Tensor } from "./tensor.ts";

/** A module's parameters: owned copies, never the caller's arrays. */
export class ParameterStore {
  readonly #module: string;
  readonly #values = new Map<string, Float32Array>();
  readonly #shapes = new Map<string, readonly number[]>();

  /** `module` names the owner in error messages, as torch does ("RNN", "Linear"). */
  constructor(module: string, shapes: readonly [string, readonly number[]][]) {
    this.#module = module;
    for (const [name, shape] of shapes) {
      this.#shapes.set(name, shape);
      this.#values.set(name, new Float32Array(shape.reduce((a, b) => a * b, 1)));
    }
  }

  /** Names and shapes, in state_dict order. */
  get shapes(): ReadonlyMap<string, readonly number[]> {
    return this.#shapes;
  }

  /** The stored values of one parameter (not a copy: for the owner's kernels only). */
  get(name: string): Float32Array | undefined {
    return this.#values.get(name);
  }

  /** Copies of every parameter as `[name, tensor]`, in state_dict order. */
  named(): [string, Tensor][] {
    return [...this.#values].map(([name, data]) => [
      name,
      new Tensor(this.#shapes.get(name)!, data.slice()),
    ]);
  }

  /**
   * Replaces every value from `record` (names may carry `prefix`), strictly
   * under the prefix: a missing or unexpected key there or a wrong shape is an
   * error and nothing changes. Keys outside the prefix belong to other modules
   * of a larger torch model and are left alone.
   */
  load(record: Record<string, Tensor>, prefix = ""): void {
    if (typeof record !== "object" || record === null) {
      throw new TypeError(
        `loadStateDict expects a record of name to Tensor: got ${describe(record)}`,
      );
    }
    if (typeof prefix !== "string") {
      throw new TypeError(`loadStateDict: prefix must be a string: got ${describe(prefix)}`);
    }
    const keys = [...this.#shapes.keys()].map((name) => prefix + name);
    const missing = keys.filter((key) => !Object.hasOwn(record, key));
    const unexpected = Object.keys(record).filter((key) =>
      key.startsWith(prefix) && !keys.includes(key)
    );
    if (missing.length || unexpected.length) {
      const quote = (names: string[]) => names.map((k) => `"${k}"`).join(", ");
      const parts = [];
      if (missing.length) parts.push(`missing key(s): ${quote(missing)}`);
      if (unexpected.length) parts.push(`unexpected key(s): ${quote(unexpected)}`);
      throw new Error(`Error(s) in loading state_dict for ${this.#module}: ${parts.join("; ")}`);
    }
    const values = new Map<string, Float32Array>();
    for (const [name, shape] of this.#shapes) {
      const value = record[prefix + name];
      if (!(value instanceof Tensor)) {
        throw new TypeError(
          `state_dict["${prefix + name}"] must be a Tensor: got ${describe(value)}`,
        );
      }
      if (value.shape.length !== shape.length || value.shape.some((s, i) => s !== shape[i])) {
        throw new RangeError(
          `size mismatch for ${
            prefix + name
          }: copying a param with shape [${value.shape}] from checkpoint, the shape in current model is [${shape}]`,
        );
      }
      values.set(name, dataOf(value, `state_dict["${prefix + name}"]`).slice());
    }
    for (const [name, data] of values) this.#values.set(name, data);
  }
}
