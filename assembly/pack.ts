// Weight packing: done once when weights are loaded, never per call.

import { PANEL } from "./gemm";

/** `n` rounded up to whole panels: the row stride, in floats, of padded buffers (and of packed weights). */
export function paddedWidth(n: i32): i32 {
  return (n + PANEL - 1) & ~(PANEL - 1);
}

/**
 * Packs W (rows×cols, row-major, as torch stores weight_ih / weight_hh) as Wᵀ
 * in panels: panel p holds Wᵀ[0..cols, 8p..8p+8] row by row, zero-padded past `rows`.
 */
export function packWeight(w: usize, rows: i32, cols: i32, dst: usize): void {
  for (let j = 0; j < rows; j += PANEL) {
    for (let kk = 0; kk < cols; kk++) {
      for (let lane = 0; lane < PANEL; lane++) {
        const row = j + lane;
        const value: f32 = row < rows ? load<f32>(w + ((<usize>row * cols + kk) << 2)) : 0;
        store<f32>(dst, value);
        dst += 4;
      }
    }
  }
}

/** dst[j] = bIh[j] + bHh[j] for j < n, zero up to the padded width; a null pointer is a zero bias. */
export function packBias(bIh: usize, bHh: usize, n: i32, dst: usize): void {
  const width = paddedWidth(n);
  for (let j = 0; j < width; j++) {
    let value: f32 = 0;
    if (j < n) {
      if (bIh) value = load<f32>(bIh + (<usize>j << 2));
      if (bHh) value += load<f32>(bHh + (<usize>j << 2));
    }
    store<f32>(dst + (<usize>j << 2), value);
  }
}
