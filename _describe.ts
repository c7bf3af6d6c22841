// Error-message helpers shared by the public modules.

// A cycle (tensor.ts imports describe), harmless: Tensor is only read when describe runs.
import { Tensor } from "./tensor.ts";

/** A short description of any value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === "number") {
    return Object.is(value, -0) ? "-0" : String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") {
    const shape = (value as { shape?: unknown }).shape;
    if (Array.isArray(shape)) {
      return value instanceof Tensor
        ? `a tensor of shape [${shape.join(", ")}]`
        // Such as a Tensor of another copy of this library (another URL, version or bundle).
        : `an object of shape [${shape.join(", ")}] that is not a Tensor of this module ` +
          "(is it from another copy of rnn-wasm? make one with this module's tensor())";
    }
    return `an object (${value.constructor?.name ?? "Object"})`;
  }
  return `${typeof value} ${String(value)}`;
}
