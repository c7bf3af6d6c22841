// C = init + A·B for one RNN matrix product, with B packed in 8-column panels.
//
// Shapes: A is m×k, B is k×(8·panels) packed by pack.ts as panels of k×8
// floats, init and C are m×(8·panels) (rows `ldInit` / `ldc` bytes apart;
// ldInit = 0 repeats one bias row). Only the first `valid` columns of each C
// row are written, so C may be an unpadded matrix. C may be init itself: each
// tile reads its rows of init before it writes them. Panels and init rows are
// 16-byte aligned; A and C rows need not be.
//
// A's rows are `lda` bytes apart, or, with a `period`, gathered: row r is at
// a + (r / period)·ldPeriod + (r % period)·lda. That reads the rows of a few
// time steps of batch-major sequences (period N) in time-major order.
//
// A block of rows of A at a time is first copied into groups of five or four
// rows interleaved by k (into `packing`, this thread's buffer of
// packingBytes(k, m) bytes), so that one 16-byte load feeds four rows'
// broadcasts through register shuffles. Deno runs WebAssembly without V8's
// trap handler, so every load carries a bounds check: fewer loads per
// multiply-add is what makes the tiles faster (both kernels went from about 35
// to 41–44 GFLOP/s).

import { activate4, madd } from "./activation";
import { claim, reportProgress } from "./sync";

/** Floats per packed panel row: the width of one register tile. */
export const PANEL: i32 = 8;

// Rows of A kept hot in L2 while every panel of B streams past them.
const A_BLOCK_BYTES: i32 = 128 * 1024;
// A block has at least this many rows, however long they are.
const MIN_BLOCK_ROWS: i32 = 20;

@inline function blockRows(k: i32): i32 {
  return max(MIN_BLOCK_ROWS, A_BLOCK_BYTES / max(k * 4, 1));
}

/**
 * Bytes of the packing buffer that gemmPanels needs for a product of depth k
 * over m rows (a float64, so that no size wraps around).
 */
export function packingBytes(k: i32, m: i32): f64 {
  return <f64>min(m, blockRows(k)) * <f64>k * 4;
}

/**
 * The matrix product with the activation `act` fused into the store, over all
 * ceil(valid / 8) panels of B. With `tickets` (the address of an i64 that two
 * threads share), the panels of each block of rows are dealt out one at a time
 * to whichever thread asks first, as tickets base, base + 1, …: each thread
 * calls with the same arguments and computes the panels it drew. Returns the
 * ticket after the last one this product uses (base when `tickets` is 0).
 * Each finished panel counts as progress for the other thread's patience; an
 * aborted forward stops after the current panel (see sync.ts).
 */
export function gemmPanels(
  a: usize,
  lda: usize,
  period: i32,
  ldPeriod: usize,
  k: i32,
  b: usize,
  init: usize,
  ldInit: usize,
  c: usize,
  ldc: usize,
  m: i32,
  valid: i32,
  act: i32,
  packing: usize,
  tickets: usize,
  base: i64,
): i64 {
  const panels = (valid + PANEL - 1) / PANEL;
  const panelBytes = <usize>k * <usize>(PANEL * 4);
  const rowsPerBlock = blockRows(k);
  for (let i0 = 0; i0 < m; i0 += rowsPerBlock) {
    const rows = min(m - i0, rowsPerBlock);
    // As many groups of five as leave a multiple of four rows (possible from
    // 12 rows on), then groups of four, then single rows.
    let fives = rows / 5;
    for (let f = fives; f >= 0 && f + 3 >= fives; f--) {
      if (((rows - 5 * f) & 3) == 0) {
        fives = f;
        break;
      }
    }
    const fours = (rows - 5 * fives) >> 2;
    packGroups(a, lda, period, ldPeriod, i0, k, fives, 5, packing);
    const fourPacking = packing + <usize>fives * <usize>k * 20;
    packGroups(a, lda, period, ldPeriod, i0 + 5 * fives, k, fours, 4, fourPacking);
    for (let next = 0; ; next++) {
      let panel = next;
      if (tickets) {
        const ticket = claim(tickets, base + panels);
        if (ticket < 0) break;
        panel = <i32>(ticket - base);
      } else if (next == panels) {
        break;
      }
      const j = panel * PANEL;
      const panelAddress = b + <usize>panel * panelBytes;
      const cols = min(PANEL, valid - j);
      const colBytes = <usize>j << 2;
      let i = i0;
      let q = packing;
      for (let g = 0; g < fives; g++, i += 5, q += <usize>k * 20) {
        tilePacked(
          q, k, panelAddress, init + <usize>i * ldInit + colBytes, ldInit,
          c + <usize>i * ldc + colBytes, ldc, cols, act, true,
        );
      }
      for (let g = 0; g < fours; g++, i += 4, q += <usize>k * 16) {
        tilePacked(
          q, k, panelAddress, init + <usize>i * ldInit + colBytes, ldInit,
          c + <usize>i * ldc + colBytes, ldc, cols, act, false,
        );
      }
      for (; i < i0 + rows; i++) {
        tile1x8(
          rowOf(a, lda, period, ldPeriod, i), k, panelAddress, init + <usize>i * ldInit + colBytes,
          c + <usize>i * ldc + colBytes, cols, act,
        );
      }
      if (!reportProgress()) return base;
    }
    if (tickets) base += panels;
  }
  return base;
}

// The address of row r of A (see the header).
@inline function rowOf(a: usize, lda: usize, period: i32, ldPeriod: usize, r: i32): usize {
  if (period == 0) return a + <usize>r * lda;
  return a + <usize>(r / period) * ldPeriod + <usize>(r % period) * lda;
}

// Copies `groups` groups of `size` (4 or 5) rows of A, from row `first` on,
// into `dst`, each group k steps of `size` floats: A[r][0] of its rows, then
// A[r][1], and so on. Four steps of k at a time are a 4×4 transpose in registers.
@inline function packGroups(
  a: usize,
  lda: usize,
  period: i32,
  ldPeriod: usize,
  first: i32,
  k: i32,
  groups: i32,
  size: i32,
  dst: usize,
): void {
  const stride = <usize>size << 2;
  const k4 = k & ~3;
  for (let g = 0; g < groups; g++) {
    const row = first + g * size;
    const r0 = rowOf(a, lda, period, ldPeriod, row);
    const r1 = rowOf(a, lda, period, ldPeriod, row + 1);
    const r2 = rowOf(a, lda, period, ldPeriod, row + 2);
    const r3 = rowOf(a, lda, period, ldPeriod, row + 3);
    const r4 = size == 5 ? rowOf(a, lda, period, ldPeriod, row + 4) : r3;
    let kk = 0;
    for (; kk < k4; kk += 4) {
      const offset = <usize>kk << 2;
      const x0 = v128.load(r0 + offset), x1 = v128.load(r1 + offset);
      const x2 = v128.load(r2 + offset), x3 = v128.load(r3 + offset);
      const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store(dst + stride, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
      v128.store(dst + 2 * stride, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
      v128.store(dst + 3 * stride, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
      if (size == 5) {
        const x4 = v128.load(r4 + offset);
        store<f32>(dst, f32x4.extract_lane(x4, 0), 16);
        store<f32>(dst + stride, f32x4.extract_lane(x4, 1), 16);
        store<f32>(dst + 2 * stride, f32x4.extract_lane(x4, 2), 16);
        store<f32>(dst + 3 * stride, f32x4.extract_lane(x4, 3), 16);
      }
      dst += 4 * stride;
    }
    for (; kk < k; kk++) {
      const offset = <usize>kk << 2;
      store<f32>(dst, load<f32>(r0 + offset));
      store<f32>(dst, load<f32>(r1 + offset), 4);
      store<f32>(dst, load<f32>(r2 + offset), 8);
      store<f32>(dst, load<f32>(r3 + offset), 12);
      if (size == 5) store<f32>(dst, load<f32>(r4 + offset), 16);
      dst += stride;
    }
  }
}

// Five (or, with five = false, four) packed rows of A against one 8-column
// panel: per step of k, 2 panel loads, one 16-byte load of the rows' values
// broadcast by four shuffles, and for the fifth row one broadcast load.
// `five` is a constant at both call sites, so inlining removes the branches.
@inline function tilePacked(
  q: usize,
  k: i32,
  panel: usize,
  init: usize,
  ldInit: usize,
  c: usize,
  ldc: usize,
  cols: i32,
  act: i32,
  five: bool,
): void {
  let c00 = v128.load(init), c01 = v128.load(init, 16);
  let c10 = v128.load(init + ldInit), c11 = v128.load(init + ldInit, 16);
  let c20 = v128.load(init + 2 * ldInit), c21 = v128.load(init + 2 * ldInit, 16);
  let c30 = v128.load(init + 3 * ldInit), c31 = v128.load(init + 3 * ldInit, 16);
  let c40 = c00, c41 = c01;
  if (five) {
    c40 = v128.load(init + 4 * ldInit);
    c41 = v128.load(init + 4 * ldInit, 16);
  }
  const stride: usize = five ? 20 : 16;
  const end = q + <usize>k * stride;
  for (let p = panel; q < end; q += stride, p += PANEL * 4) {
    const b0 = v128.load(p), b1 = v128.load(p, 16);
    const rows = v128.load(q);
    let x = v128.shuffle<f32>(rows, rows, 0, 0, 0, 0);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.shuffle<f32>(rows, rows, 1, 1, 1, 1);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.shuffle<f32>(rows, rows, 2, 2, 2, 2);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.shuffle<f32>(rows, rows, 3, 3, 3, 3);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    if (five) {
      x = v128.load32_splat(q, 16);
      c40 = madd(x, b0, c40);
      c41 = madd(x, b1, c41);
    }
  }
  storeRow(c, c00, c01, cols, act);
  storeRow(c + ldc, c10, c11, cols, act);
  storeRow(c + 2 * ldc, c20, c21, cols, act);
  storeRow(c + 3 * ldc, c30, c31, cols, act);
  if (five) storeRow(c + 4 * ldc, c40, c41, cols, act);
}

// One row of A against one panel, for the rows left over by the packed groups
// (all of them when m < 4). Four steps of k per iteration: one load of A feeds four
// lane broadcasts, which halves the loads per multiply-add.
@inline function tile1x8(
  a: usize,
  k: i32,
  panel: usize,
  init: usize,
  c: usize,
  cols: i32,
  act: i32,
): void {
  let c0 = v128.load(init), c1 = v128.load(init, 16);
  let d0 = f32x4.splat(0), d1 = f32x4.splat(0);
  let p = panel;
  let q = a;
  const end4 = a + (<usize>(k & ~3) << 2);
  for (; q < end4; q += 16) {
    const x = v128.load(q);
    let s = v128.shuffle<f32>(x, x, 0, 0, 0, 0);
    c0 = madd(s, v128.load(p), c0);
    c1 = madd(s, v128.load(p, 16), c1);
    s = v128.shuffle<f32>(x, x, 1, 1, 1, 1);
    d0 = madd(s, v128.load(p, 32), d0);
    d1 = madd(s, v128.load(p, 48), d1);
    s = v128.shuffle<f32>(x, x, 2, 2, 2, 2);
    c0 = madd(s, v128.load(p, 64), c0);
    c1 = madd(s, v128.load(p, 80), c1);
    s = v128.shuffle<f32>(x, x, 3, 3, 3, 3);
    d0 = madd(s, v128.load(p, 96), d0);
    d1 = madd(s, v128.load(p, 112), d1);
    p += PANEL * 16;
  }
  const end = a + (<usize>k << 2);
  for (; q < end; q += 4) {
    const s = v128.load32_splat(q);
    c0 = madd(s, v128.load(p), c0);
    c1 = madd(s, v128.load(p, 16), c1);
    p += PANEL * 4;
  }
  storeRow(c, f32x4.add(c0, d0), f32x4.add(c1, d1), cols, act);
}

// Stores the first `cols` (1..8) lanes of [v0 v1] after the activation.
@inline function storeRow(c: usize, v0: v128, v1: v128, cols: i32, act: i32): void {
  v0 = activate4(v0, act);
  v1 = activate4(v1, act);
  if (cols == PANEL) {
    v128.store(c, v0);
    v128.store(c, v1, 16);
    return;
  }
  // A partial panel: the row is the last of an unpadded matrix, so write lane by lane.
  for (let lane = 0; lane < cols; lane++) {
    const v = lane < 4 ? v0 : v1;
    store<f32>(c + (<usize>lane << 2), laneOf(v, lane & 3));
  }
}

@inline function laneOf(v: v128, lane: i32): f32 {
  if (lane == 0) return f32x4.extract_lane(v, 0);
  if (lane == 1) return f32x4.extract_lane(v, 1);
  if (lane == 2) return f32x4.extract_lane(v, 2);
  return f32x4.extract_lane(v, 3);
}
