// Tensor shapes frozen by this library. A Tensor shares these instead of copying
// them: nobody can change them, whereas a caller's frozen array may still read
// its elements through getters.

const frozenHere = new WeakSet<readonly number[]>();

/** A frozen plain-array copy of `shape`, each element read once, that tensors may share. */
export function frozenShape(shape: readonly number[]): readonly number[] {
  const copy: number[] = [];
  for (let axis = 0; axis < shape.length; axis++) copy.push(shape[axis]);
  frozenHere.add(Object.freeze(copy));
  return copy;
}

/** Whether `shape` came from frozenShape, so that a tensor may share it. */
export function isFrozenHere(shape: readonly number[]): boolean {
  return frozenHere.has(shape);
}
