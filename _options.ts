// Option checks shared by the public modules' constructors.

import { describe } from "./_describe.ts";

/**
 * The option names of an options interface, as a record the type checker
 * keeps complete (`satisfies Record<keyof Required<T>, true>`).
 */
export type OptionNames = Readonly<Record<string, true>>;

/**
 * Throws a TypeError naming the first own key of `options` that `known` lacks,
 * as torch refuses an unexpected keyword argument (plain JavaScript would
 * otherwise ignore `batch_first` and run with the default). A torch spelling or
 * another case of a known name gets that name as a hint.
 */
export function checkOptionNames(where: string, options: object, known: OptionNames): void {
  for (const key in options) {
    if (!Object.hasOwn(known, key) && Object.hasOwn(options, key)) unknownOption(where, key, known);
  }
}

// Kept out of checkOptionNames, which runs on every call of forward() with options.
function unknownOption(where: string, key: string, known: OptionNames): never {
  const loose = key.replaceAll("_", "").toLowerCase();
  // The same letters in another case or torch's snake_case, or up to two letters
  // more or less at the end (length for lengths, prefix for prefixes).
  const meant = Object.keys(known).find((name) => {
    const lower = name.toLowerCase();
    return lower === loose || (Math.abs(lower.length - loose.length) <= 2 &&
      (lower.startsWith(loose) || loose.startsWith(lower)));
  });
  throw new TypeError(
    `${where} has no option "${key}": ${
      meant ? `did you mean "${meant}"?` : `expected one of ${Object.keys(known).join(", ")}`
    }`,
  );
}

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
