// Error-message helpers shared by the public modules.

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
    if (Array.isArray(shape)) return `a tensor of shape [${shape.join(", ")}]`;
    return `an object (${value.constructor?.name ?? "Object"})`;
  }
  return `${typeof value} ${String(value)}`;
}
