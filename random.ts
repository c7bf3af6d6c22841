/**
 * Random numbers that reproduce torch's CPU random streams bit for bit: the MT19937
 * generator behind `torch.manual_seed`, `Tensor.uniform_`, `torch.rand`, `torch.randn`,
 * `Tensor.normal_` on float32 tensors, and the default initialisation of `nn.RNN`.
 *
 * The float kernels follow what torch 1.13 runs on an x86-64 CPU with AVX2 (its usual
 * dispatch): `uniform_` computes `fma(x, to - from, from)` in float32, and `randn` of 16 or
 * more elements uses the AVX2 Box-Muller of `normal_fill_AVX2` (Cephes-style `log` and
 * `sincos` in float32 with the fused multiply-adds the compiler emitted), which are
 * emulated exactly here. Fewer than 16 elements take torch's scalar double-precision
 * Box-Muller, whose second value is cached in the generator, as torch does.
 *
 * @module
 */
import { Tensor } from "./tensor.ts";
import { describe } from "./_describe.ts";

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_POW_32 = 4294967296;
const TWO_POW_64 = 1n << 64n;
const MIN_SEED = -(1n << 63n);
const MAX_SEED = TWO_POW_64 - 1n;

/**
 * A torch-compatible CPU random number generator: MT19937 seeded like
 * `torch.Generator.manual_seed`, plus the cached second Box-Muller value that
 * torch keeps for its scalar normal sampler.
 */
export class Generator {
  readonly #state = new Uint32Array(N);
  #index = N;
  #seed = 0n;
  #nextDoubleNormal: number | undefined = undefined;

  /**
   * A generator seeded with `seed`, or, without one, from a secure random source
   * (`crypto.getRandomValues`), as torch seeds its default generator from
   * `/dev/urandom`. (A new `torch.Generator()` instead starts at the fixed seed
   * 67280421310721; pass that to match it.)
   *
   * @example
   * ```ts
   * import { Generator } from "./random.ts";
   * const g = new Generator(42);
   * console.log(g.nextUint32()); // 1608637542, as torch.Generator().manual_seed(42)
   * ```
   */
  constructor(seed?: number | bigint) {
    if (seed === undefined) {
      const words = crypto.getRandomValues(new Uint32Array(2));
      this.manualSeed((BigInt(words[0]) << 32n) | BigInt(words[1]));
    } else {
      this.manualSeed(seed);
    }
  }

  /**
   * Reseeds the generator like `torch.Generator.manual_seed`: any integer in
   * [-2^63, 2^64 - 1]; a negative seed is taken modulo 2^64 (so -1 is 2^64 - 1).
   * MT19937 is initialised from the low 32 bits only (seeds 5 and 2^32 + 5 give
   * the same stream), while `seed()` keeps the full 64-bit value. Also drops the
   * cached normal value. Returns the generator.
   *
   * @example
   * ```ts
   * import { Generator } from "./random.ts";
   * const g = new Generator().manualSeed(-1);
   * console.log(g.seed()); // 18446744073709551615n
   * ```
   */
  manualSeed(seed: number | bigint): this {
    let value: bigint;
    if (typeof seed === "bigint") {
      value = seed;
    } else if (typeof seed === "number" && Number.isInteger(seed)) {
      value = BigInt(seed);
    } else {
      throw new TypeError(`seed must be an integer number or a bigint: got ${describe(seed)}`);
    }
    if (value < MIN_SEED || value > MAX_SEED) {
      throw new RangeError(
        `seed must be in [-2^63, 2^64 - 1] (as torch.manual_seed): got ${value}`,
      );
    }
    if (value < 0n) value += TWO_POW_64;
    this.#seed = value;
    this.#nextDoubleNormal = undefined;
    const mt = this.#state;
    mt[0] = Number(value & 0xffffffffn);
    for (let j = 1; j < N; j++) {
      const prev = mt[j - 1];
      mt[j] = Math.imul(1812433253, prev ^ (prev >>> 30)) + j;
    }
    this.#index = N;
    return this;
  }

  /**
   * The seed the generator was last seeded with, as an unsigned 64-bit value
   * (torch's `initial_seed()`; this does not reseed, unlike torch's `seed()`).
   *
   * @example
   * ```ts
   * import { Generator } from "./random.ts";
   * console.log(new Generator(2 ** 40 + 123).seed()); // 1099511627899n
   * ```
   */
  seed(): bigint {
    return this.#seed;
  }

  /**
   * The same as `seed()`, under torch's name.
   *
   * @example
   * ```ts
   * import { Generator } from "./random.ts";
   * console.log(new Generator(7).initialSeed()); // 7n
   * ```
   */
  initialSeed(): bigint {
    return this.#seed;
  }

  /**
   * The next 32-bit output of MT19937 (torch's `CPUGeneratorImpl::random()`).
   *
   * @example
   * ```ts
   * import { Generator } from "./random.ts";
   * console.log(new Generator(5489).nextUint32()); // 3499211612, the reference MT19937 value
   * ```
   */
  nextUint32(): number {
    if (this.#index >= N) this.#twist();
    let y = this.#state[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * The next 64-bit value as torch's `random64()` makes it: two 32-bit draws, the
   * first one the high half.
   *
   * @example
   * ```ts
   * import { Generator } from "./random.ts";
   * const g = new Generator(1);
   * console.log(typeof g.nextUint64()); // "bigint"
   * ```
   */
  nextUint64(): bigint {
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /**
   * A double in [0, 1) with 53 random bits from `random64()`, as torch's
   * `uniform_real_distribution<double>(0, 1)` draws it.
   *
   * @example
   * ```ts
   * import { Generator } from "./random.ts";
   * const u = new Generator(0).nextDouble();
   * console.log(u >= 0 && u < 1); // true
   * ```
   */
  nextDouble(): number {
    const hi = this.nextUint32() & 0x1fffff;
    const lo = this.nextUint32();
    return (hi * TWO_POW_32 + lo) / 9007199254740992;
  }

  /**
   * A standard normal double from torch's scalar `normal_distribution<double>`:
   * Box-Muller on two `nextDouble()` draws, returning `r·cos θ` and caching `r·sin θ`
   * for the next call (the cache is dropped by `manualSeed`).
   *
   * @example
   * ```ts
   * import { Generator } from "./random.ts";
   * console.log(Number.isFinite(new Generator(0).nextNormal())); // true
   * ```
   */
  nextNormal(): number {
    const cached = this.#nextDoubleNormal;
    if (cached !== undefined) {
      this.#nextDoubleNormal = undefined;
      return cached;
    }
    const u1 = this.nextDouble();
    const u2 = this.nextDouble();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 6.283185307179586 * u1;
    this.#nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  #twist(): void {
    const mt = this.#state;
    let k = 0;
    for (; k < N - M; k++) {
      const y = (mt[k] & UPPER_MASK) | (mt[k + 1] & LOWER_MASK);
      mt[k] = mt[k + M] ^ (y >>> 1) ^ (mt[k + 1] & 1 ? MATRIX_A : 0);
    }
    for (; k < N - 1; k++) {
      const y = (mt[k] & UPPER_MASK) | (mt[k + 1] & LOWER_MASK);
      mt[k] = mt[k + M - N] ^ (y >>> 1) ^ (mt[k + 1] & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (mt[0] & 1 ? MATRIX_A : 0);
    this.#index = 0;
  }
}

/**
 * The module's default generator, like torch's default CPU generator: seeded from a
 * secure random source at load time, reseeded by `manualSeed`.
 *
 * @example
 * ```ts
 * import { defaultGenerator, manualSeed } from "./random.ts";
 * manualSeed(3);
 * console.log(defaultGenerator.seed()); // 3n
 * ```
 */
export const defaultGenerator: Generator = new Generator();

/**
 * Reseeds `defaultGenerator`, like `torch.manual_seed`, and returns it.
 *
 * @example
 * ```ts
 * import { manualSeed, rand } from "./random.ts";
 * manualSeed(0);
 * console.log(rand([2]).data); // Float32Array [0.49625658988952637, 0.7682217955589294]
 * ```
 */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

// ---------------------------------------------------------------- float32 helpers

const f32 = Math.fround;
const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

function floatBits(x: number): number {
  scratchF[0] = x;
  return scratchU[0];
}

function bitsFloat(bits: number): number {
  scratchU[0] = bits;
  return scratchF[0];
}

/**
 * fmaf for float32 inputs: `a * b + c` rounded once to float32. The product is
 * exact in a double; the double sum is rounded again only when it lands exactly
 * on a float32 midpoint, which is repaired with the sum's exact error.
 */
function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f32(s);
  if (r === s) return r;
  const d = s - r;
  const other = r + 2 * d;
  if (f32(other) !== other) return r; // not a midpoint: one rounding was enough
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  if (err === 0) return r; // a true tie: Math.fround rounded it to even
  return (err > 0) === (other > r) ? other : r;
}

/**
 * `a * b + c` for doubles with (nearly always) a single rounding, as the fused
 * multiply-add torch's compiled `val * std + mean` uses: Dekker's exact product
 * and Knuth's exact sum, with the two error terms added back once.
 */
function fma(a: number, b: number, c: number): number {
  const p = a * b;
  const sa = 134217729 * a;
  const ah = sa - (sa - a);
  const al = a - ah;
  const sb = 134217729 * b;
  const bh = sb - (sb - b);
  const bl = b - bh;
  const pe = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  const s = p + c;
  const bb = s - p;
  const se = (p - (s - bb)) + (c - bb);
  return s + (pe + se);
}

// ------------------------------------------------------------------- uniform_

function checkData(name: string, data: unknown): asserts data is Float32Array {
  if (!(data instanceof Float32Array)) {
    throw new TypeError(`${name} must be a Float32Array: got ${describe(data)}`);
  }
}

/** Throws a TypeError naming what was given when `generator` is not a Generator. */
export function checkGenerator(generator: unknown): asserts generator is Generator {
  if (!(generator instanceof Generator)) {
    throw new TypeError(`generator must be a Generator: got ${describe(generator)}`);
  }
}

const FLOAT_MAX = 3.4028234663852886e38;

/**
 * Fills `data` in place exactly as torch's `tensor.uniform_(from, to)` fills a
 * contiguous float32 CPU tensor: per element one 32-bit draw `v`, `x = (v & 0xFFFFFF)·2^-24`,
 * then `fma(x, float(to) - float(from), float(from))` in float32. Values fall in
 * [from, to] (rounding can reach `to`). Throws like torch for bounds outside float32 or
 * `from > to`. Returns `data`.
 *
 * @example
 * ```ts
 * import { Generator, uniform_ } from "./random.ts";
 * const w = uniform_(new Float32Array(3), -0.5, 0.5, new Generator(0));
 * console.log(w); // Float32Array [-0.003743410110473633, 0.26822179555892944, -0.4115225672721863]
 * ```
 */
export function uniform_(
  data: Float32Array,
  from: number,
  to: number,
  generator: Generator = defaultGenerator,
): Float32Array {
  checkData("data", data);
  checkGenerator(generator);
  for (const [name, value] of [["from", from], ["to", to]] as const) {
    if (typeof value !== "number" || !(value >= -FLOAT_MAX && value <= FLOAT_MAX)) {
      throw new RangeError(
        `${name} must be a number within the float32 range: got ${describe(value)}`,
      );
    }
  }
  if (from > to) {
    throw new RangeError(`uniform_ expects from <= to: got from=${from} > to=${to}`);
  }
  if (to - from > FLOAT_MAX) {
    throw new RangeError(
      `uniform_ expects to - from <= the float32 maximum: got to=${to} and from=${from}`,
    );
  }
  const lo = f32(from);
  const range = f32(f32(to) - lo);
  for (let i = 0; i < data.length; i++) {
    const x = (generator.nextUint32() & 0xffffff) * 5.960464477539063e-8;
    data[i] = fmaf(x, range, lo);
  }
  return data;
}

/**
 * A tensor of uniform [0, 1) float32 values, the same stream as `torch.rand(shape)`.
 *
 * @example
 * ```ts
 * import { Generator, rand } from "./random.ts";
 * const t = rand([2, 3], new Generator(0));
 * console.log(t.shape, t.data[0]); // [2, 3] 0.49625658988952637
 * ```
 */
export function rand(shape: number[], generator: Generator = defaultGenerator): Tensor {
  const t = Tensor.zeros(shape); // checks the shape before anything is drawn
  uniform_(t.data, 0, 1, generator);
  return t;
}

// -------------------------------------------------------------------- normal_

// Constants of ATen's avx_mathfun.h (Cephes), as float32.
const LOG_P = [
  7.0376836292e-2,
  -1.1514610310e-1,
  1.1676998740e-1,
  -1.2420140846e-1,
  1.4249322787e-1,
  -1.6668057665e-1,
  2.0000714765e-1,
  -2.4999993993e-1,
  3.3333331174e-1,
].map(f32);
const LOG_Q1 = f32(-2.12194440e-4);
const LOG_Q2 = f32(0.693359375);
const SQRTHF = f32(0.707106781186547524);
const MIN_NORM_POS = bitsFloat(0x00800000);
const DP1 = f32(-0.78515625);
const DP2 = f32(-2.4187564849853515625e-4);
const DP3 = f32(-3.77489497744594108e-8);
const SIN_P0 = f32(-1.9515295891e-4);
const SIN_P1 = f32(8.3321608736e-3);
const SIN_P2 = f32(-1.6666654611e-1);
const COS_P0 = f32(2.443315711809948e-5);
const COS_P1 = f32(-1.388731625493765e-3);
const COS_P2 = f32(4.166664568298827e-2);
const FOPI = f32(1.27323954473516);
const TWO_PI_F = f32(2 * Math.PI);

/** log256_ps of avx_mathfun.h for one lane, with GCC's FMA contractions. */
function logPs(v: number): number {
  const invalid = v <= 0;
  let x = v < MIN_NORM_POS ? MIN_NORM_POS : v;
  const bits = floatBits(x);
  x = bitsFloat((bits & 0x807fffff) | 0x3f000000);
  let e = f32(((bits >>> 23) - 0x7f) + 1);
  const mask = x < SQRTHF;
  const tmp = mask ? x : 0;
  x = f32(x - 1);
  if (mask) e = f32(e - 1);
  const eq1 = f32(e * LOG_Q1);
  x = f32(x + tmp);
  let y = LOG_P[0];
  for (let k = 1; k < 9; k++) y = fmaf(y, x, LOG_P[k]);
  const z = f32(x * x);
  y = f32(y * x);
  y = fmaf(y, z, eq1);
  y = f32(y - f32(z * 0.5));
  x = f32(x + y);
  x = fmaf(e, LOG_Q2, x);
  return invalid ? NaN : x;
}

/** Box-Muller on 16 uniforms in place: normal_fill_16_AVX2, lane by lane. */
function normalFill16(data: Float32Array, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f32(1 - data[at + j]);
    const u2 = data[at + j + 8];
    const radius = f32(Math.sqrt(f32(logPs(u1) * -2)));
    const theta = f32(TWO_PI_F * u2);
    // sincos256_ps
    const signSin = theta < 0 || Object.is(theta, -0);
    const ax = Math.abs(theta);
    let k = Math.trunc(f32(ax * FOPI)) | 0;
    k = (k + 1) & ~1;
    const y = k;
    const swapSin = (k & 4) !== 0;
    const polyMask = (k & 2) === 0;
    let x = fmaf(y, DP1, ax);
    x = fmaf(y, DP2, x);
    x = fmaf(y, DP3, x);
    const signCos = (~(k - 2) & 4) !== 0;
    const z = f32(x * x);
    let yc = fmaf(COS_P0, z, COS_P1);
    yc = fmaf(yc, z, COS_P2);
    yc = f32(z * yc);
    yc = fmaf(yc, z, -f32(z * 0.5));
    yc = f32(yc + 1);
    let ys = fmaf(SIN_P0, z, SIN_P1);
    ys = fmaf(ys, z, SIN_P2);
    ys = f32(z * ys);
    ys = fmaf(ys, x, x);
    const ysin2 = polyMask ? ys : 0;
    const ysin1 = polyMask ? 0 : yc;
    let sin = f32(ysin1 + ysin2);
    let cos = f32(f32(yc - ysin1) + f32(ys - ysin2));
    if (signSin !== swapSin) sin = -sin;
    if (signCos) cos = -cos;
    data[at + j] = fmaf(f32(radius * cos), std, mean);
    data[at + j + 8] = fmaf(f32(radius * sin), std, mean);
  }
}

/**
 * Fills `data` in place with normal values exactly as torch 1.13's `tensor.normal_(mean, std)`
 * on a contiguous float32 CPU tensor (AVX2 build): with 16 or more elements, uniforms for all
 * elements, Box-Muller in float32 over blocks of 16, and, when the length is not a multiple of
 * 16, 16 fresh uniforms for the last 16 elements; with fewer, torch's double Box-Muller per
 * element, using and refilling the generator's cached value. Returns `data`.
 *
 * @example
 * ```ts
 * import { Generator, normal_ } from "./random.ts";
 * const x = normal_(new Float32Array(16), 10, 2, new Generator(0));
 * console.log(x.length); // 16
 * ```
 */
export function normal_(
  data: Float32Array,
  mean = 0,
  std = 1,
  generator: Generator = defaultGenerator,
): Float32Array {
  checkData("data", data);
  checkGenerator(generator);
  if (typeof mean !== "number" || Number.isNaN(mean)) {
    throw new TypeError(`mean must be a number: got ${describe(mean)}`);
  }
  if (typeof std !== "number" || !(std >= 0)) {
    throw new RangeError(`std must be a number >= 0: got ${describe(std)}`);
  }
  const size = data.length;
  if (size >= 16) {
    const mean32 = f32(mean);
    const std32 = f32(std);
    for (let i = 0; i < size; i++) {
      data[i] = (generator.nextUint32() & 0xffffff) * 5.960464477539063e-8;
    }
    for (let i = 0; i + 16 <= size; i += 16) normalFill16(data, i, mean32, std32);
    if (size % 16 !== 0) {
      const at = size - 16;
      for (let i = 0; i < 16; i++) {
        data[at + i] = (generator.nextUint32() & 0xffffff) * 5.960464477539063e-8;
      }
      normalFill16(data, at, mean32, std32);
    }
  } else {
    for (let i = 0; i < size; i++) data[i] = fma(generator.nextNormal(), std, mean);
  }
  return data;
}

/**
 * A tensor of standard normal float32 values, the same stream as `torch.randn(shape)`
 * (see `normal_` for the two algorithms torch picks by size).
 *
 * @example
 * ```ts
 * import { Generator, randn } from "./random.ts";
 * const t = randn([2, 2], new Generator(0));
 * console.log(t.data[0]); // 1.5409960746765137 (torch.randn(2, 2) after manual_seed(0))
 * ```
 */
export function randn(shape: number[], generator: Generator = defaultGenerator): Tensor {
  const t = Tensor.zeros(shape); // checks the shape before anything is drawn
  normal_(t.data, 0, 1, generator);
  return t;
}
