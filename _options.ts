// Option checks shared by the public modules' constructors.

import { describe } from "./_describe.ts";

/** `value` if it is a positive integer; otherwise an error naming the option. */
export function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer: got ${describe(value)}`);
  }
  return value;
}

/** `value` if it is a boolean, `fallback` if undefined; otherwise an error naming the option. */
export function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(`${name} must be a boolean: got ${describe(value)}`);
  }
  return value;
}

/**
 * `tensor.data`, after checking that it still holds exactly the elements its
 * shape says: a resizable or replaced buffer must not feed the kernels stale data.
 */
export function dataOf(
  tensor: { shape: readonly number[]; data: Float32Array },
  name: string,
): Float32Array {
  const shape = tensor.shape;
  let size = 1;
  for (let axis = 0; axis < shape.length; axis++) size *= shape[axis];
  if (!(tensor.data instanceof Float32Array) || tensor.data.length !== size) {
    throw new RangeError(
      `${name}.data must hold the ${size} elements of shape [${tensor.shape}]: got ${
        tensor.data instanceof Float32Array
          ? `${tensor.data.length} (was its buffer resized?)`
          : describe(tensor.data)
      }`,
    );
  }
  return tensor.data;
}
