// Tensor shapes frozen by this library. A Tensor shares these instead of copying
// them: nobody can change them, whereas a caller's frozen array may still read
// its elements through getters. Each is checked once, when it is frozen, and
// its element count kept with it.

import { describe } from "./_describe.ts";

const frozenHere = new WeakMap<readonly number[], number>();

/**
 * A frozen plain-array copy of `shape`, each element read once, that tensors
 * may share; throws a RangeError naming the first axis that is not a
 * non-negative integer, or a size no Float32Array can hold.
 */
export function frozenShape(shape: readonly number[]): readonly number[] {
  const copy: number[] = [];
  for (let axis = 0; axis < shape.length; axis++) copy.push(shape[axis]);
  frozenHere.set(Object.freeze(copy), checkShape(copy));
  return copy;
}

/** The element count of a shape from frozenShape; undefined for any other array. */
export function frozenSize(shape: readonly number[]): number | undefined {
  return frozenHere.get(shape);
}

function checkShape(shape: readonly number[]): number {
  let size = 1;
  for (let axis = 0; axis < shape.length; axis++) {
    const dim = shape[axis];
    if (typeof dim !== "number" || !Number.isInteger(dim) || dim < 0) {
      throw new RangeError(`shape[${axis}] must be a non-negative integer: got ${describe(dim)}`);
    }
    // Checked per axis too: beside a zero axis, huge ones would make a size of Infinity · 0.
    if (dim > 2 ** 32) {
      throw new RangeError(`shape[${axis}] is ${dim}, more than a Float32Array can hold`);
    }
    size *= dim;
  }
  if (size > 2 ** 32) {
    throw new RangeError(
      `shape [${shape.join(", ")}] has ${size} elements, more than a Float32Array can hold`,
    );
  }
  return size;
}
