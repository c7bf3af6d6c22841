// Option checks shared by the public modules' constructors.

import { describe } from "./_describe.ts";

/**
 * The option names of an options interface, as a record the type checker
 * keeps complete (`satisfies Record<keyof T, true>`: every key, no other).
 */
type OptionNames = Readonly<Record<string, true>>;

/**
 * Checks that `value`, the `name` (e.g. "options") passed to `where`, is a
 * plain object whose enumerable keys, own or inherited (reading finds both),
 * are all in `known`; otherwise throws a TypeError naming what is wrong, as
 * torch refuses an unexpected keyword argument (plain JavaScript would
 * otherwise ignore `batch_first` and run with the default). A key that is a
 * torch spelling, another case or a clear prefix of a known name gets it as a hint.
 */
export function checkOptions(
  where: string,
  name: string,
  value: unknown,
  known: OptionNames,
): asserts value is object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${where}: ${name} must be an object: got ${describe(value)}`);
  }
  for (const key in value) if (!Object.hasOwn(known, key)) unknownOption(where, name, key, known);
}

/**
 * The name in `names` that `typed` most likely meant, if one is clear: the same
 * letters in another case or with `_`/`-` (torch's snake_case, a CLI flag); the
 * start of a name (three letters or more); a name and up to two letters more
 * (prefixes for prefix); or one letter wrong, missing, extra or swapped with the
 * next (two, when what was typed has seven letters or more). The closest kind wins.
 */
export function closestName(typed: string, names: readonly string[]): string | undefined {
  const loose = (text: string) => text.replace(/[_-]/g, "").toLowerCase();
  const wanted = loose(typed);
  const same = names.find((name) => loose(name) === wanted);
  if (same !== undefined) return same;
  const near = names.find((name) => {
    const candidate = loose(name);
    return candidate === wanted || (wanted.length >= 3 && candidate.startsWith(wanted)) ||
      (wanted.startsWith(candidate) && wanted.length - candidate.length <= 2);
  });
  if (near !== undefined || wanted.length < 3) return near;
  return names.find((name) => editDistance(loose(name), wanted) <= (wanted.length >= 7 ? 2 : 1));
}

// Optimal string alignment distance: insertions, deletions, substitutions and
// swaps of neighbours, each 1.
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

// Kept out of checkOptions, whose loop also runs inline on every forward() with options.
function unknownOption(where: string, name: string, key: string, known: OptionNames): never {
  const meant = closestName(key, Object.keys(known));
  const what = name === "options" ? "option" : "key";
  throw new TypeError(
    `${where}: unknown ${what} ${JSON.stringify(key)}${name === "options" ? "" : ` in ${name}`}: ${
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
