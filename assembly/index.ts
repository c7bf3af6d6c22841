// The kernel module's exports: numbers in, numbers out; no imports but, in the
// threads builds, the shared memory.

import { ACT_IDENTITY } from "./activation";
import { gemmPanels } from "./gemm";

export { packingBytes } from "./gemm";

export { packBias, packWeight, paddedWidth } from "./pack";
export { rnnForward } from "./rnn_forward";

/** First byte past the module's static data: the wrapper's memory starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * y = x·Wᵀ + b for `rows` rows (torch.nn.Linear): x is rows×inFeatures,
 * W packed by packWeight(outFeatures, inFeatures), b packed by packBias
 * (padded), y rows×outFeatures, all row-major and unpadded; `packing` is
 * packingBytes(inFeatures, rows) bytes of scratch.
 */
export function linearForward(
  x: usize,
  rows: i32,
  inFeatures: i32,
  weight: usize,
  bias: usize,
  outFeatures: i32,
  y: usize,
  packing: usize,
): void {
  gemmPanels(
    x, <usize>inFeatures << 2, 0, 0, inFeatures, weight,
    bias, 0, y, <usize>outFeatures << 2, rows, outFeatures, ACT_IDENTITY, packing, 0, 0,
  );
}
