// The kernel module's exports: numbers in, numbers out, no imports.

export { packBias, packedWeightBytes, packWeight, paddedWidth } from "./pack";
export { rnnForward } from "./rnn_forward";

/** First byte past the module's static data: the wrapper's memory starts here. */
export function heapBase(): usize {
  return __heap_base;
}
