/**
 * A minimal float32 tensor: a shape and a row-major Float32Array.
 *
 * @module
 */
import { describe } from "./_describe.ts";
import { format } from "./format.ts";
import { frozenShape, frozenSize } from "./_shape.ts";

/** Nested arrays of numbers, as `Tensor.from` takes and `toArray` returns. */
export type NestedArray = number | NestedArray[];

/** A float32, row-major tensor, the value type of every RNN input, output and parameter. */
export class Tensor {
  /** The size of each axis, outermost first: a frozen copy of the caller's array. */
  readonly shape: readonly number[];
  /** The elements in row-major order; `data.length` is the product of `shape`. */
  readonly data: Float32Array;

  /**
   * A tensor of the given shape. A Float32Array is used as is (not copied, like
   * `torch.from_numpy`); a number array is converted; no data means zeros.
   *
   * @example
   * ```ts
   * import { Tensor } from "./mod.ts";
   * const t = new Tensor([2, 3], [1, 2, 3, 4, 5, 6]);
   * console.log(t.shape); // [2, 3]
   * ```
   */
  constructor(
    shape: readonly number[],
    data?: Float32Array | readonly number[],
  ) {
    // Shapes this library froze (and checked) are shared; any other is copied and checked.
    let size = frozenSize(shape);
    if (size === undefined) {
      if (!Array.isArray(shape)) {
        throw new TypeError(`shape must be an array of integers: got ${describe(shape)}`);
      }
      shape = frozenShape(shape);
      size = frozenSize(shape)!;
    }
    this.shape = shape;
    if (data === undefined) {
      this.data = new Float32Array(size);
    } else if (data instanceof Float32Array) {
      this.data = data;
    } else if (Array.isArray(data)) {
      // Float32Array.from would turn anything else into NaN without a word.
      const bad = data.findIndex((value) => typeof value !== "number");
      if (bad >= 0) {
        throw new TypeError(`data[${bad}] must be a number: got ${describe(data[bad])}`);
      }
      this.data = Float32Array.from(data);
    } else {
      throw new TypeError(
        `data must be a Float32Array or an array of numbers: got ${describe(data)}`,
      );
    }
    if (this.data.length !== size) {
      throw new RangeError(
        `data length must match shape [${
          shape.join(", ")
        }]: expected ${size}, got ${this.data.length}`,
      );
    }
  }

  /**
   * A tensor from nested arrays of numbers; its shape is the nesting.
   *
   * @example
   * ```ts
   * import { Tensor } from "./mod.ts";
   * const x = Tensor.from([[[1], [2], [3]]]);
   * console.log(x.shape); // [1, 3, 1]
   * ```
   */
  static from(nested: NestedArray): Tensor {
    const shape: number[] = [];
    for (
      let level: NestedArray = nested;
      Array.isArray(level);
      level = level[0]
    ) {
      shape.push(level.length);
      if (level.length === 0) break;
    }
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    let offset = 0;
    const visit = (value: NestedArray, depth: number, path: string): void => {
      if (depth === shape.length) {
        if (typeof value !== "number") {
          throw new TypeError(
            path
              ? `Tensor.from: element ${path} must be a number: got ${describe(value)}`
              : `Tensor.from expects a number or nested arrays of numbers: got ${describe(value)}`,
          );
        }
        data[offset++] = value;
        return;
      }
      if (!Array.isArray(value) || value.length !== shape[depth]) {
        const got = Array.isArray(value) ? `length ${value.length}` : describe(value);
        throw new RangeError(
          `Tensor.from: ragged nesting at ${path || "the top level"}: expected an array of length ${
            shape[depth]
          }, got ${got}`,
        );
      }
      value.forEach((item, i) => visit(item, depth + 1, `${path}[${i}]`));
    };
    visit(nested, 0, "");
    return new Tensor(shape, data);
  }

  /**
   * A tensor of zeros.
   *
   * @example
   * ```ts
   * import { Tensor } from "./mod.ts";
   * console.log(Tensor.zeros([2, 2]).toArray()); // [[0, 0], [0, 0]]
   * ```
   */
  static zeros(shape: readonly number[]): Tensor {
    return new Tensor(shape);
  }

  /** The number of elements. */
  get size(): number {
    return this.data.length;
  }

  /**
   * The tensor as `str(torch_tensor)` prints it by default (see `format` for options).
   *
   * @example
   * ```ts
   * import { tensor } from "./mod.ts";
   * console.log(`${tensor([[-0.0819, 0.81]])}`); // tensor([[-0.0819,  0.8100]])
   * ```
   */
  toString(): string {
    return format(this);
  }

  /**
   * The elements as nested arrays shaped like `shape` (a number for rank 0).
   *
   * @example
   * ```ts
   * import { tensor } from "./mod.ts";
   * console.log(tensor([[1, 2], [3, 4]]).toArray()); // [[1, 2], [3, 4]]
   * ```
   */
  toArray(): NestedArray {
    let offset = 0;
    const build = (depth: number): NestedArray => {
      if (depth === this.shape.length) return this.data[offset++];
      return Array.from({ length: this.shape[depth] }, () => build(depth + 1));
    };
    return build(0);
  }
}

/**
 * A tensor from nested arrays: an alias of `Tensor.from`, as `torch.tensor`.
 *
 * @example
 * ```ts
 * import { tensor } from "./mod.ts";
 * console.log(tensor([1, 2, 3]).shape); // [3]
 * ```
 */
export function tensor(nested: NestedArray): Tensor {
  return Tensor.from(nested);
}
