// The whole multi-layer, bidirectional Elman RNN forward in one call.

import { ACT_IDENTITY } from "./activation";
import { gemmPanels } from "./gemm";
import { paddedWidth } from "./pack";

// The plan: i32 fields written by the wrapper (`_kernels.ts` mirrors these
// offsets), followed by three pointers per (layer, direction): packed
// weight_ih, packed weight_hh and the folded bias.
export const PLAN_SEQ_LEN: i32 = 0; // L
export const PLAN_BATCH: i32 = 1; // N
export const PLAN_INPUT_SIZE: i32 = 2; // H_in
export const PLAN_HIDDEN_SIZE: i32 = 3; // H
export const PLAN_NUM_LAYERS: i32 = 4;
export const PLAN_DIRECTIONS: i32 = 5; // D
export const PLAN_ACTIVATION: i32 = 6; // an ACT_* code
export const PLAN_BATCH_FIRST: i32 = 7; // 1: rows ordered (n, t); 0: (t, n)
export const PLAN_INPUT: i32 = 8; // L·N×H_in
export const PLAN_H0: i32 = 9; // D·numLayers×N×H
export const PLAN_OUTPUT: i32 = 10; // L·N×D·H
export const PLAN_H_N: i32 = 11; // D·numLayers×N×H
export const PLAN_SCRATCH: i32 = 12; // L·N×D·H, used when numLayers > 1
export const PLAN_PROJECTION: i32 = 13; // L·N×padded(H)
export const PLAN_LENGTHS: i32 = 14; // N sequence lengths (i32), or 0 when all are L
export const PLAN_WEIGHTS: i32 = 15;

@inline function field(plan: usize, index: i32): i32 {
  return load<i32>(plan + (<usize>index << 2));
}

/**
 * Runs every layer and direction. Rows of input, output and projection are in
 * the caller's order: time-major, or batch-major when batchFirst. Layer k
 * writes to the output buffer when numLayers - 1 - k is even and to the
 * scratch buffer otherwise, so the last layer always lands in the output.
 */
export function rnnForward(plan: usize): void {
  const seqLen = field(plan, PLAN_SEQ_LEN);
  const batch = field(plan, PLAN_BATCH);
  const hidden = field(plan, PLAN_HIDDEN_SIZE);
  const numLayers = field(plan, PLAN_NUM_LAYERS);
  const directions = field(plan, PLAN_DIRECTIONS);
  const act = field(plan, PLAN_ACTIVATION);
  const batchFirst = field(plan, PLAN_BATCH_FIRST) != 0;
  const output = <usize>field(plan, PLAN_OUTPUT);
  const scratch = <usize>field(plan, PLAN_SCRATCH);
  const projection = <usize>field(plan, PLAN_PROJECTION);
  const rows = seqLen * batch;
  const padded = paddedWidth(hidden);
  const outWidth = directions * hidden;
  // Row steps from one time step, and from one sequence, to the next.
  const timeStep: usize = batchFirst ? 1 : <usize>batch;
  const seqStep: usize = batchFirst ? <usize>seqLen : 1;

  let layerInput = <usize>field(plan, PLAN_INPUT);
  let inWidth = field(plan, PLAN_INPUT_SIZE);
  for (let layer = 0; layer < numLayers; layer++) {
    const layerOutput = ((numLayers - 1 - layer) & 1) == 0 ? output : scratch;
    for (let dir = 0; dir < directions; dir++) {
      const slot = PLAN_WEIGHTS + 3 * (layer * directions + dir);
      const weightIh = <usize>field(plan, slot);
      const weightHh = <usize>field(plan, slot + 1);
      const bias = <usize>field(plan, slot + 2);
      // Input projection of all steps at once: P = X·W_ihᵀ + (b_ih + b_hh).
      gemmPanels(
        layerInput,
        <usize>inWidth << 2,
        inWidth,
        weightIh,
        padded,
        bias,
        0,
        projection,
        <usize>padded << 2,
        rows,
        padded,
        ACT_IDENTITY,
      );
      const state = <usize>(layer * directions + dir) * <usize>batch * <usize>hidden <<
        2;
      recurrence(
        <usize>field(plan, PLAN_H0) + state,
        <usize>field(plan, PLAN_H_N) + state,
        projection,
        padded,
        layerOutput + (<usize>(dir * hidden) << 2),
        outWidth,
        weightHh,
        hidden,
        seqLen,
        batch,
        timeStep,
        seqStep,
        dir == 1,
        act,
        <usize>field(plan, PLAN_LENGTHS),
      );
    }
    layerInput = layerOutput;
    inWidth = outWidth;
  }
}

// h_t = act(h_{t-1}·W_hhᵀ + P_t) for every step of one direction, h_{t-1}
// read back from the output rows just written; the last state is copied to hN.
// With `lengths`, sequence n only runs its first lengths[n] steps (as torch's
// packed sequences do): its rows past that are zeroed after each step, the
// reverse direction starts it from h0 at its own last step, and hN holds the
// state after its own last step. Inactive rows are computed and discarded,
// which keeps one matrix product per step.
function recurrence(
  h0: usize,
  hN: usize,
  projection: usize,
  padded: i32,
  out: usize,
  outWidth: i32,
  weightHh: usize,
  hidden: i32,
  seqLen: i32,
  batch: i32,
  timeStep: usize,
  seqStep: usize,
  reverse: bool,
  act: i32,
  lengths: usize,
): void {
  const rowBytes = <usize>hidden << 2;
  const ldOut = seqStep * (<usize>outWidth << 2);
  const ldProjection = seqStep * (<usize>padded << 2);
  let previous = h0;
  let ldPrevious: usize = rowBytes;
  for (let s = 0; s < seqLen; s++) {
    const t = reverse ? seqLen - 1 - s : s;
    const row = <usize>t * timeStep;
    const current = out + row * (<usize>outWidth << 2);
    // Reverse sequences whose last step is t start here, from h0.
    if (lengths && reverse && s > 0) {
      for (let n = 0; n < batch; n++) {
        if (lengthOf(lengths, n) - 1 == t) {
          memory.copy(previous + <usize>n * ldPrevious, h0 + <usize>n * rowBytes, rowBytes);
        }
      }
    }
    gemmPanels(
      previous,
      ldPrevious,
      hidden,
      weightHh,
      padded,
      projection + row * (<usize>padded << 2),
      ldProjection,
      current,
      ldOut,
      batch,
      hidden,
      act,
    );
    if (lengths) {
      for (let n = 0; n < batch; n++) {
        const length = lengthOf(lengths, n);
        if (t >= length) memory.fill(current + <usize>n * ldOut, 0, rowBytes);
        if (reverse && s > 0 && length - 1 == t) {
          memory.fill(previous + <usize>n * ldPrevious, 0, rowBytes);
        }
      }
    }
    previous = current;
    ldPrevious = ldOut;
  }
  for (let n = 0; n < batch; n++) {
    let last = previous + <usize>n * ldPrevious;
    if (lengths && !reverse) {
      last = out + (<usize>(lengthOf(lengths, n) - 1) * timeStep) * (<usize>outWidth << 2) +
        <usize>n * ldOut;
    }
    memory.copy(hN + <usize>n * rowBytes, last, rowBytes);
  }
}

@inline function lengthOf(lengths: usize, n: i32): i32 {
  return load<i32>(lengths + (<usize>n << 2));
}
