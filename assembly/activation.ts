// Vectorised activations applied to f32x4 lanes in the recurrence's store.

/** Activation codes shared with the TypeScript wrapper (`_kernels.ts`). */
export const ACT_IDENTITY: i32 = 0;
export const ACT_TANH: i32 = 1;
export const ACT_RELU: i32 = 2;
export const ACT_SIGMOID: i32 = 3;

// tanh as Eigen's 13/6 rational interpolant (Eigen, MathFunctionsImpl.h,
// generic_fast_tanh_float): max abs error about 3e-7 in float32 on [-9, 9].
// Scalars live in memory because V8 rebuilds f32x4.splat constants at every
// use inside a loop, while load32_splat is a single broadcast.
const TANH: usize = memory.data<f32>([
  9.0, // 0: clamp; tanh(±9) is ±1 in float32
  -2.76076847742355e-16, // 1: alpha_13
  2.00018790482477e-13, // 2: alpha_11
  -8.60467152213735e-11, // 3: alpha_9
  5.12229709037114e-8, // 4: alpha_7
  1.48572235717979e-5, // 5: alpha_5
  6.37261928875436e-4, // 6: alpha_3
  4.89352455891786e-3, // 7: alpha_1
  1.19825839466702e-6, // 8: beta_6
  1.18534705686654e-4, // 9: beta_4
  2.268434632439e-3, // 10: beta_2
  4.89352518554385e-3, // 11: beta_0
  1.0, // 12: the result is clamped to [-1, 1]
  0.5, // 13: sigmoid(x) = 0.5 + 0.5 * tanh(x / 2)
]);

@inline function constant(index: usize): v128 {
  return v128.load32_splat(TANH + (index << 2));
}

/** a * b + c: a fused multiply-add in the relaxed-SIMD build, mul + add in the strict one. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** tanh on four lanes; keeps ±0 and NaN, maps ±Inf to ±1. */
function tanh4(v: v128): v128 {
  // pmin/pmax with v first keep NaN (the comparison is false) in one instruction.
  const clamp = constant(0);
  const x = f32x4.pmax(f32x4.pmin(v, clamp), f32x4.neg(clamp));
  const x2 = f32x4.mul(x, x);
  let p = madd(x2, constant(1), constant(2));
  p = madd(x2, p, constant(3));
  p = madd(x2, p, constant(4));
  p = madd(x2, p, constant(5));
  p = madd(x2, p, constant(6));
  p = madd(x2, p, constant(7));
  p = f32x4.mul(x, p);
  let q = madd(x2, constant(8), constant(9));
  q = madd(x2, q, constant(10));
  q = madd(x2, q, constant(11));
  const one = constant(12);
  return f32x4.pmax(f32x4.pmin(f32x4.div(p, q), one), f32x4.neg(one));
}

/** The activation named by `act` (one of the ACT_* codes) on four lanes. */
@inline export function activate4(v: v128, act: i32): v128 {
  if (act == ACT_TANH) return tanh4(v);
  if (act == ACT_RELU) return f32x4.pmax(v, f32x4.splat(0));
  if (act == ACT_SIGMOID) {
    const half = constant(13);
    return madd(half, tanh4(f32x4.mul(v, half)), half);
  }
  return v;
}
