// The scalar reference forward: plain loops, float64 accumulation, Math.tanh.
// It is the oracle the SIMD kernels are tested against and the baseline the
// benchmarks compare with; it shares nothing with assembly/ on purpose.

/** Options the reference needs: torch.nn.RNN's meaning. */
export interface ReferenceOptions {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  nonlinearity: "tanh" | "relu" | "sigmoid";
  bias: boolean;
  batchFirst: boolean;
  bidirectional: boolean;
}

const ACTIVATIONS = {
  tanh: Math.tanh,
  relu: (x: number) => (x > 0 ? x : x === x ? 0 : x),
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
};

/**
 * output, hN of torch.nn.RNN for a batched input (L, N, H_in), or (N, L, H_in)
 * when batchFirst; `params` maps state_dict names to row-major data. With
 * `lengths`, as torch's pack_padded_sequence → RNN → pad_packed_sequence.
 */
export function referenceForward(
  options: ReferenceOptions,
  params: Record<string, Float32Array>,
  input: Float32Array,
  seqLen: number,
  batch: number,
  h0?: Float32Array,
  lengths?: ArrayLike<number>,
): { output: Float32Array; hN: Float32Array } {
  const { hiddenSize: H, numLayers, batchFirst } = options;
  const D = options.bidirectional ? 2 : 1;
  const f = ACTIVATIONS[options.nonlinearity];
  const row = (
    t: number,
    n: number,
  ) => (batchFirst ? n * seqLen + t : t * batch + n);
  const hN = new Float32Array(numLayers * D * batch * H);
  let layerInput = input;
  let inWidth = options.inputSize;
  for (let layer = 0; layer < numLayers; layer++) {
    const layerOutput = new Float32Array(seqLen * batch * D * H);
    for (let dir = 0; dir < D; dir++) {
      const suffix = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
      const wIh = params[`weight_ih${suffix}`];
      const wHh = params[`weight_hh${suffix}`];
      const bIh = options.bias ? params[`bias_ih${suffix}`] : undefined;
      const bHh = options.bias ? params[`bias_hh${suffix}`] : undefined;
      const stateOffset = (layer * D + dir) * batch * H;
      for (let n = 0; n < batch; n++) {
        let h = new Float64Array(H);
        for (let j = 0; j < H; j++) h[j] = h0 ? h0[stateOffset + n * H + j] : 0;
        // A sequence shorter than seqLen (a packed batch) stops at its own length; its padding stays 0.
        const length = lengths ? lengths[n] : seqLen;
        for (let s = 0; s < length; s++) {
          const t = dir === 1 ? length - 1 - s : s;
          const x = row(t, n) * inWidth;
          const next = new Float64Array(H);
          for (let j = 0; j < H; j++) {
            let sum = (bIh ? bIh[j] : 0) + (bHh ? bHh[j] : 0);
            for (let k = 0; k < inWidth; k++) {
              sum += wIh[j * inWidth + k] * layerInput[x + k];
            }
            for (let k = 0; k < H; k++) sum += wHh[j * H + k] * h[k];
            next[j] = Math.fround(f(sum));
          }
          h = next;
          layerOutput.set(h, row(t, n) * D * H + dir * H);
        }
        hN.set(h, stateOffset + n * H);
      }
    }
    layerInput = layerOutput;
    inWidth = D * H;
  }
  return { output: layerInput, hN };
}
