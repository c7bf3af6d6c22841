/**
 * torch.nn.RNN in Deno: an Elman recurrent network whose whole forward pass
 * runs in AssemblyScript SIMD kernels compiled to WebAssembly, with PyTorch's
 * shapes, parameter names and numbers.
 *
 * @example
 * ```ts
 * import { RNN, tensor } from "./mod.ts";
 * const rnn = new RNN({ inputSize: 1, hiddenSize: 2, batchFirst: true });
 * const [output, hN] = rnn.forward(tensor([[[1], [2], [3]]]));
 * console.log(output.shape); // [1, 3, 2]
 * ```
 *
 * @module
 */
export { type NestedArray, Tensor, tensor } from "./tensor.ts";
export { format, type FormatOptions } from "./format.ts";
export {
  type ForwardOptions,
  type FromStateDictOptions,
  type Nonlinearity,
  type OutOptions,
  RNN,
  type RNNOptions,
} from "./rnn.ts";
export type { KernelFlavor } from "./_kernels.ts";
export { Linear, type LinearOptions } from "./linear.ts";
export {
  type ModelFromStateDictOptions,
  type ModelPrefixes,
  RNNModel,
  type RNNModelOptions,
} from "./rnn_model.ts";
export { loadSafetensors, readSafetensorsMetadata, saveSafetensors } from "./safetensors.ts";
export { loadNpy } from "./npy.ts";
export { loadPt } from "./pt.ts";
export {
  defaultGenerator,
  Generator,
  manualSeed,
  normal_,
  rand,
  randn,
  uniform_,
} from "./random.ts";
