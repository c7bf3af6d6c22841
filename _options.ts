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
