// Comparing results: shared by the CLI's checks and the peer benchmark.

/**
 * The largest |a[i] - b[i]|, Infinity when the lengths differ. NaN equals
 * NaN; a NaN against a number makes the result NaN, so it never passes a tolerance.
 */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const same = a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i]));
    const difference = same ? 0 : Math.abs(a[i] - b[i]);
    if (Number.isNaN(difference)) return NaN; // no later difference may hide it
    if (difference > worst) worst = difference;
  }
  return worst;
}
