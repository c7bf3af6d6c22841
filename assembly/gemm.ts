// C = init + A·B for one RNN matrix product, with B packed in 8-column panels.
//
// Shapes: A is m×k (rows `lda` bytes apart), B is k×(8·panels) packed by
// pack.ts as panels of k×8 floats, init and C are m×(8·panels) (rows `ldInit`
// / `ldc` bytes apart; ldInit = 0 repeats one bias row). Only panels
// [panelStart, panelEnd) are computed (a thread's share), and only the first
// `valid` columns of each C row are written, so C may be an unpadded matrix.
// Panels and init rows are 16-byte aligned; A and C rows need not be.

import { activate4, madd } from "./activation";

/** Floats per packed panel row: the width of one register tile. */
export const PANEL: i32 = 8;

// Rows of A kept hot in L2 while every panel of B streams past them.
const A_BLOCK_BYTES: i32 = 128 * 1024;

/** The matrix product with the activation `act` fused into the store. */
export function gemmPanels(
  a: usize,
  lda: usize,
  k: i32,
  b: usize,
  panelStart: i32,
  panelEnd: i32,
  init: usize,
  ldInit: usize,
  c: usize,
  ldc: usize,
  m: i32,
  valid: i32,
  act: i32,
): void {
  const panelBytes = <usize>k * <usize>(PANEL * 4);
  let rowsPerBlock = (A_BLOCK_BYTES / max(k * 4, 1)) & ~3;
  if (rowsPerBlock < 4) rowsPerBlock = 4;
  for (let i0 = 0; i0 < m; i0 += rowsPerBlock) {
    const i1 = min(m, i0 + rowsPerBlock);
    for (let j = panelStart * PANEL; j < panelEnd * PANEL; j += PANEL) {
      const panel = b + <usize>(j / PANEL) * panelBytes;
      const cols = min(PANEL, valid - j);
      const colBytes = <usize>j << 2;
      let i = i0;
      for (; i + 4 <= i1; i += 4) {
        tile4x8(
          a + <usize>i * lda,
          lda,
          k,
          panel,
          init + <usize>i * ldInit + colBytes,
          ldInit,
          c + <usize>i * ldc + colBytes,
          ldc,
          cols,
          act,
        );
      }
      for (; i < i1; i++) {
        tile1x8(
          a + <usize>i * lda,
          k,
          panel,
          init + <usize>i * ldInit + colBytes,
          c + <usize>i * ldc + colBytes,
          cols,
          act,
        );
      }
    }
  }
}

// Four rows of A against one 8-column panel: 8 accumulators, 2 panel loads
// and 4 broadcasts per step of k.
@inline function tile4x8(
  a: usize,
  lda: usize,
  k: i32,
  panel: usize,
  init: usize,
  ldInit: usize,
  c: usize,
  ldc: usize,
  cols: i32,
  act: i32,
): void {
  let c00 = v128.load(init), c01 = v128.load(init, 16);
  let c10 = v128.load(init + ldInit), c11 = v128.load(init + ldInit, 16);
  let c20 = v128.load(init + 2 * ldInit),
    c21 = v128.load(init + 2 * ldInit, 16);
  let c30 = v128.load(init + 3 * ldInit),
    c31 = v128.load(init + 3 * ldInit, 16);
  const a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
  let p = panel;
  const end = a + (<usize>k << 2);
  for (let off: usize = 0; a + off < end; off += 4) {
    const b0 = v128.load(p), b1 = v128.load(p, 16);
    let x = v128.load32_splat(a + off);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a1 + off);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a2 + off);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a3 + off);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    p += PANEL * 4;
  }
  storeRow(c, c00, c01, cols, act);
  storeRow(c + ldc, c10, c11, cols, act);
  storeRow(c + 2 * ldc, c20, c21, cols, act);
  storeRow(c + 3 * ldc, c30, c31, cols, act);
}

// One row of A against one panel, for the rows left over by tile4x8 (all of
// them when N = 1). Four steps of k per iteration: one load of A feeds four
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
