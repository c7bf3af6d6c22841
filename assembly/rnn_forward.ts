// The whole multi-layer, bidirectional Elman RNN forward in one call, on one
// thread or shared by two threads on one memory: one direction each, or the
// column panels of every matrix product dealt out to whichever thread is free.

import { ACT_IDENTITY } from "./activation";
import { gemmPanels } from "./gemm";
import { paddedWidth } from "./pack";
import { aborted, barrier, joinThreads } from "./sync";

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
export const PLAN_PROJECTION: i32 = 13; // chunkBuffers chunks of chunkSteps·N×padded(H), twice for two threads on D = 2
export const PLAN_LENGTHS: i32 = 14; // N sequence lengths (i32), or 0 when all are L
export const PLAN_THREADS: i32 = 15; // 1, or 2 when two instances run this plan together
export const PLAN_BARRIER: i32 = 16; // the barrier's two i32 words: arrivals, generation
export const PLAN_PACKING: i32 = 18; // packing buffers for gemmPanels, one per thread
export const PLAN_PACKING_STRIDE: i32 = 19; // bytes from one thread's packing buffer to the next
export const PLAN_TICKETS: i32 = 20; // two words: the panel ticket counter (i64) of two threads, 0 at the start
export const PLAN_ABORT: i32 = 22; // set by a thread that gave up waiting for the other, 0 at the start
export const PLAN_PROGRESS: i32 = 23; // one word per thread: panels it has finished
export const PLAN_SPIN_LIMIT: i32 = 25; // spins without the other thread's progress before giving up
export const PLAN_CHUNK_STEPS: i32 = 26; // time steps whose input projection is computed at once
export const PLAN_CHUNK_BUFFERS: i32 = 27; // 2 when states stay in chunks (see recurrence) and L takes more than one, else 1
export const PLAN_WEIGHTS: i32 = 28;

// This call's geometry. Globals are per instance, so each thread has its own.
let seqLen = 0;
let batch = 0;
let hidden = 0;
let padded = 0;
let outWidth = 0;
let act = 0;
let timeStep: usize = 0; // rows from one time step to the next
let seqStep: usize = 0; // rows from one sequence to the next
// Whether the N rows of one time step lie whole sequences apart in the
// caller's buffers (batch-major, N > 1): then the projection gathers them and
// the states stay in the projection chunks (see recurrence).
let stepsScattered = false;
let lengths: usize = 0;
let chunkSteps = 0;
let chunkBuffers = 0;
let packing: usize = 0; // this thread's packing buffer
// Two threads sharing the panels of every product (not one direction each):
// they meet after every time step, and draw panels from the shared counter.
let sharePanels = false;
let tickets: usize = 0; // the counter's address when sharePanels, else 0
let nextTicket: i64 = 0;
// Whether this thread does the row-wise work (masking, restarts, h_n): when two
// threads share panels only thread 0 does, on whole rows.
let rowWork = true;

@inline function field(plan: usize, index: i32): i32 {
  return load<i32>(plan + (<usize>index << 2));
}

/**
 * Runs every layer and direction; returns 0, or 1 when the other thread did
 * not reach a barrier in time. Rows of input and output are in the caller's
 * order: time-major, or batch-major when batchFirst; the projection's rows are
 * always time-major (see project). Layer k writes to the output buffer when
 * numLayers - 1 - k is even and to the scratch buffer otherwise, so the last
 * layer always lands in the output. Two threads run one direction each of a
 * bidirectional model and meet after each layer; otherwise both call every
 * product, compute the panels they draw from the shared ticket counter (so a
 * thread slowed down by its core does less), and meet after each projection,
 * each time step (when h_t is complete) and each direction's row-wise work.
 */
export function rnnForward(plan: usize, thread: i32): i32 {
  seqLen = field(plan, PLAN_SEQ_LEN);
  batch = field(plan, PLAN_BATCH);
  hidden = field(plan, PLAN_HIDDEN_SIZE);
  act = field(plan, PLAN_ACTIVATION);
  lengths = <usize>field(plan, PLAN_LENGTHS);
  chunkSteps = field(plan, PLAN_CHUNK_STEPS);
  chunkBuffers = field(plan, PLAN_CHUNK_BUFFERS);
  const threads = field(plan, PLAN_THREADS);
  joinThreads(
    thread, threads, plan + (<usize>PLAN_BARRIER << 2), plan + (<usize>PLAN_ABORT << 2),
    plan + (<usize>PLAN_PROGRESS << 2), field(plan, PLAN_SPIN_LIMIT),
  );
  packing = <usize>field(plan, PLAN_PACKING) + <usize>thread * <usize>field(plan, PLAN_PACKING_STRIDE);
  const numLayers = field(plan, PLAN_NUM_LAYERS);
  const directions = field(plan, PLAN_DIRECTIONS);
  const batchFirst = field(plan, PLAN_BATCH_FIRST) != 0;
  const output = <usize>field(plan, PLAN_OUTPUT);
  const scratch = <usize>field(plan, PLAN_SCRATCH);
  const projectionBase = <usize>field(plan, PLAN_PROJECTION);
  padded = paddedWidth(hidden);
  outWidth = directions * hidden;
  timeStep = batchFirst ? 1 : <usize>batch;
  seqStep = batchFirst ? <usize>seqLen : 1;
  stepsScattered = seqStep != 1 && batch > 1;
  // Two threads on a bidirectional model each run one direction whole, with
  // their own projection chunks, and meet only after each layer; otherwise
  // they share the column panels of every product.
  const byDirection = threads == 2 && directions == 2;
  sharePanels = threads == 2 && !byDirection;
  tickets = sharePanels ? plan + (<usize>PLAN_TICKETS << 2) : 0;
  nextTicket = 0;
  rowWork = !sharePanels || thread == 0;
  const chunksBytes = <usize>chunkBuffers * <usize>chunkSteps * <usize>batch * (<usize>padded << 2);

  let layerInput = <usize>field(plan, PLAN_INPUT);
  let inWidth = field(plan, PLAN_INPUT_SIZE);
  for (let layer = 0; layer < numLayers; layer++) {
    const layerOutput = ((numLayers - 1 - layer) & 1) == 0 ? output : scratch;
    for (let dir = 0; dir < directions; dir++) {
      if (byDirection && dir != thread) continue;
      const chunks = byDirection ? projectionBase + <usize>dir * chunksBytes : projectionBase;
      const slot = PLAN_WEIGHTS + 3 * (layer * directions + dir);
      const state = (<usize>(layer * directions + dir) * <usize>batch * <usize>hidden) << 2;
      const ok = recurrence(
        <usize>field(plan, PLAN_H0) + state,
        <usize>field(plan, PLAN_H_N) + state,
        layerInput,
        inWidth,
        <usize>field(plan, slot),
        <usize>field(plan, slot + 2),
        chunks,
        layerOutput + (<usize>(dir * hidden) << 2),
        <usize>field(plan, slot + 1),
        dir == 1,
      );
      if (!ok) return 1;
    }
    // With a direction split, the next layer reads both directions' outputs.
    if (byDirection && !barrier()) return 1;
    layerInput = layerOutput;
    inWidth = outWidth;
  }
  return 0;
}

// The input projection of `count` time steps from step `first` on,
// P = X·W_ihᵀ + (b_ih + b_hh), into `chunk` with its rows time-major (row
// (t - first)·N + n) whatever the order of X's rows: each step then reads its
// P_t as N contiguous rows, where batch-major rows of one step would lie a
// whole sequence apart (see recurrence). Batch-major X is gathered.
function project(
  x: usize,
  inWidth: i32,
  weightIh: usize,
  bias: usize,
  first: i32,
  count: i32,
  chunk: usize,
): void {
  const xRowBytes = <usize>inWidth << 2;
  nextTicket = gemmPanels(
    x + <usize>first * timeStep * xRowBytes, stepsScattered ? seqStep * xRowBytes : xRowBytes,
    stepsScattered ? batch : 0, timeStep * xRowBytes, inWidth, weightIh, bias, 0,
    chunk, <usize>padded << 2, count * batch, padded, ACT_IDENTITY, packing, tickets, nextTicket,
  );
}

// h_t = act(h_{t-1}·W_hhᵀ + P_t) for every step of one direction; the last
// state is copied to hN. P is projected chunkSteps steps at a time into the
// chunk buffer(s) at `chunks`: it is read back from cache, and not all L
// steps of it are held.
// Where h_t goes: a time-major output (or a single sequence) takes it
// directly, and the next step reads it back from there. A batch-major output
// puts the N rows of one step whole sequences apart (at N = 64, L = 256,
// H = 512, 512 KiB: all in the same cache sets, about 4% of the time). h_t
// then replaces P_t in its chunk (each tile reads its rows of P_t just before
// writing them), the next step reads it from those N contiguous rows, and the
// chunk's states are copied to the output once its last step is done. Then
// two chunk buffers take turns, since the first step of a chunk reads the
// last state of the one before.
// With `lengths`, sequence n only runs its first lengths[n] steps (as torch's
// packed sequences do): its output rows past that are zeros, the reverse
// direction starts it from h0 at its own last step, and hN holds the state
// after its own last step. Inactive rows are computed and discarded, which
// keeps one matrix product per step (states in a chunk past a sequence's end
// hold whatever that gave: they only feed inactive rows).
// When two threads share the panels, thread 0 alone does that row-wise work
// and the copies to the output, and both meet once it is done. Output rows it
// zeroes after a step's barrier may meanwhile be read by the other thread's
// next product, but only to compute rows that stay inactive (a row past its
// sequence's end stays so), so what it reads there is discarded. (Restarts
// happen only in the reverse direction of a bidirectional model, which two
// threads split by direction instead.)
function recurrence(
  h0: usize,
  hN: usize,
  x: usize,
  inWidth: i32,
  weightIh: usize,
  bias: usize,
  chunks: usize,
  out: usize,
  weightHh: usize,
  reverse: bool,
): bool {
  const rowBytes = <usize>hidden << 2;
  const outRowBytes = <usize>outWidth << 2;
  const ldOut = seqStep * outRowBytes;
  const pRowBytes = <usize>padded << 2;
  const stepBytes = <usize>batch * pRowBytes;
  const stateInChunk = stepsScattered;
  let previous = h0;
  let ldPrevious: usize = rowBytes;
  const chunkBytes = <usize>chunkSteps * stepBytes;
  let chunk = chunks;
  let first = 0; // the chunk's first time step
  let count = 0; // and its number of steps
  let chunkEnd = 0; // the step s that starts the next chunk
  for (let s = 0; s < seqLen; s++) {
    const t = reverse ? seqLen - 1 - s : s;
    if (s == chunkEnd) {
      count = min(chunkSteps, seqLen - s);
      chunkEnd = s + count;
      first = reverse ? seqLen - chunkEnd : s;
      // With two buffers, the other one; with one, the same.
      if (s > 0 && chunkBuffers == 2) chunk = chunk == chunks ? chunks + chunkBytes : chunks;
      project(x, inWidth, weightIh, bias, first, count, chunk);
      // Each step reads P_t in every column, whichever thread computed it.
      if (!stepBarrier()) return false;
    }
    const current = out + <usize>t * timeStep * outRowBytes;
    const projected = chunk + <usize>(t - first) * stepBytes;
    const state = stateInChunk ? projected : current;
    const ldState = stateInChunk ? pRowBytes : ldOut;
    // Reverse sequences whose last step is t start here, from h0.
    const restarts = lengths != 0 && reverse && s > 0;
    if (restarts) {
      if (rowWork) {
        for (let n = 0; n < batch; n++) {
          if (lengthOf(n) - 1 == t) {
            memory.copy(previous + <usize>n * ldPrevious, h0 + <usize>n * rowBytes, rowBytes);
          }
        }
      }
      if (!stepBarrier()) return false;
    }
    nextTicket = gemmPanels(
      previous, ldPrevious, 0, 0, hidden, weightHh, projected, pRowBytes, state, ldState,
      batch, hidden, act, packing, tickets, nextTicket,
    );
    if (!stepBarrier()) return false;
    // Rows past a sequence's end are zeros in the output (copyOut writes them
    // for states kept in chunks), and so are output rows of h_{t-1} that
    // took a restart's h0, now that this step has read them.
    if (rowWork && lengths && !stateInChunk) {
      for (let n = 0; n < batch; n++) {
        if (t >= lengthOf(n)) memory.fill(current + <usize>n * ldOut, 0, rowBytes);
      }
      if (restarts) {
        for (let n = 0; n < batch; n++) {
          if (lengthOf(n) - 1 == t) memory.fill(previous + <usize>n * ldPrevious, 0, rowBytes);
        }
      }
    }
    previous = state;
    ldPrevious = ldState;
    if (stateInChunk && rowWork && s == chunkEnd - 1) copyOut(chunk, first, count, out);
  }
  if (rowWork) {
    for (let n = 0; n < batch; n++) {
      let last = previous + <usize>n * ldPrevious;
      if (lengths && !reverse) {
        last = out + <usize>(lengthOf(n) - 1) * timeStep * outRowBytes + <usize>n * ldOut;
      }
      memory.copy(hN + <usize>n * rowBytes, last, rowBytes);
    }
  }
  // The next products read this output, or overwrite the chunks, only after that.
  return stepBarrier();
}

// Copies the states of a chunk's `count` steps from step `first` on to the
// batch-major output, a sequence at a time (its rows are contiguous there);
// rows past a sequence's end become zeros.
function copyOut(chunk: usize, first: i32, count: i32, out: usize): void {
  const rowBytes = <usize>hidden << 2;
  const outRowBytes = <usize>outWidth << 2;
  const pRowBytes = <usize>padded << 2;
  for (let n = 0; n < batch; n++) {
    const end = lengths ? lengthOf(n) : seqLen;
    let dst = out + (<usize>first + <usize>n * seqStep) * outRowBytes;
    let src = chunk + <usize>n * pRowBytes;
    for (let t = first; t < first + count; t++) {
      if (t < end) memory.copy(dst, src, rowBytes);
      else memory.fill(dst, 0, rowBytes);
      dst += outRowBytes;
      src += <usize>batch * pRowBytes;
    }
  }
}

@inline function lengthOf(n: i32): i32 {
  return load<i32>(lengths + (<usize>n << 2));
}

// Where threads sharing panels meet; threads running one direction each only
// check that the other has not given up.
@inline function stepBarrier(): bool {
  return sharePanels ? barrier() : !aborted();
}
