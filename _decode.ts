// Little-endian data of the file formats this library reads (floats of
// safetensors, .pt and .npy; integers of safetensors and .pt), widened or
// rounded to float32 as torch's `.float()` does.

/** Whether this platform stores numbers big-endian (file data is little-endian). */
export const BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** The float element types that `decodeFloats` reads, in safetensors' names. */
export type FloatDtype = "F32" | "F16" | "BF16" | "F64";

/** Bytes per element of each `FloatDtype`. */
export const FLOAT_BYTES: Readonly<Record<FloatDtype, number>> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  F64: 8,
};

let halfTable: Uint32Array | undefined;

/** float32 bits of every float16 bit pattern, as torch's `.float()` (NaNs quieted). */
function halfToFloatBits(): Uint32Array {
  if (halfTable) return halfTable;
  halfTable = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    let mant = h & 0x3ff;
    let bits: number;
    if (exp === 0x1f) {
      bits = mant === 0 ? 0x7f800000 : 0x7fc00000 | (mant << 13);
    } else if (exp !== 0) {
      bits = ((exp + 112) << 23) | (mant << 13);
    } else if (mant === 0) {
      bits = 0;
    } else {
      // Subnormal: normalize mant · 2^-24 into a float32 normal.
      let e = 113;
      while ((mant & 0x400) === 0) {
        mant <<= 1;
        e--;
      }
      bits = (e << 23) | ((mant & 0x3ff) << 13);
    }
    halfTable[h] = (sign | bits) >>> 0;
  }
  return halfTable;
}

/**
 * `raw` (little-endian elements of `dtype`, any alignment, a whole number of
 * them) as float32: F32 bit for bit, F16 and BF16 widened exactly, F64
 * rounded to nearest.
 */
export function decodeFloats(dtype: FloatDtype, raw: Uint8Array): Float32Array {
  switch (dtype) {
    case "F32": {
      const out = new Float32Array(raw.length / 4);
      const outBytes = new Uint8Array(out.buffer);
      outBytes.set(raw); // copies, so unaligned input is fine
      if (BIG_ENDIAN) swapBytes(outBytes, 4);
      return out;
    }
    case "F16":
    case "BF16": {
      const count = raw.length / 2;
      const bits = new Uint32Array(count);
      const table = dtype === "F16" ? halfToFloatBits() : undefined;
      for (let i = 0; i < count; i++) {
        const h = raw[2 * i] | (raw[2 * i + 1] << 8);
        bits[i] = table ? table[h] : h << 16;
      }
      return new Float32Array(bits.buffer);
    }
    case "F64": {
      const count = raw.length / 8;
      const out = new Float32Array(count);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let i = 0; i < count; i++) out[i] = Math.fround(view.getFloat64(8 * i, true));
      return out;
    }
  }
}

/** The integer element types that `decodeIntegers` reads, in safetensors' names. */
export type IntegerDtype = "BOOL" | "U8" | "I8" | "U16" | "I16" | "U32" | "I32" | "U64" | "I64";

// How to read one little-endian element of each integer type at a byte offset.
const INTEGER_READERS: Readonly<
  Record<IntegerDtype, { bytes: number; read: (view: DataView, at: number) => number }>
> = {
  BOOL: { bytes: 1, read: (view, at) => view.getUint8(at) === 0 ? 0 : 1 },
  U8: { bytes: 1, read: (view, at) => view.getUint8(at) },
  I8: { bytes: 1, read: (view, at) => view.getInt8(at) },
  U16: { bytes: 2, read: (view, at) => view.getUint16(at, true) },
  I16: { bytes: 2, read: (view, at) => view.getInt16(at, true) },
  U32: { bytes: 4, read: (view, at) => view.getUint32(at, true) },
  I32: { bytes: 4, read: (view, at) => view.getInt32(at, true) },
  U64: { bytes: 8, read: (view, at) => read64(view, at, false) },
  I64: { bytes: 8, read: (view, at) => read64(view, at, true) },
};

/** Bytes per element of each `IntegerDtype`. */
export const INTEGER_BYTES: Readonly<Record<IntegerDtype, number>> = Object.fromEntries(
  Object.entries(INTEGER_READERS).map(([dtype, { bytes }]) => [dtype, bytes]),
) as Record<IntegerDtype, number>;

/**
 * `raw` (little-endian elements of `dtype`, any alignment, a whole number of
 * them) as float32, each rounded to nearest once, as torch's `.float()` (a C
 * cast) rounds it; BOOL's nonzero bytes are 1.
 */
export function decodeIntegers(dtype: IntegerDtype, raw: Uint8Array): Float32Array {
  const { bytes, read } = INTEGER_READERS[dtype];
  const out = new Float32Array(raw.length / bytes);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  // Numbers of up to 53 bits are exact, so storing them rounds once.
  for (let i = 0; i < out.length; i++) out[i] = read(view, i * bytes);
  return out;
}

// A little-endian 64-bit integer as the nearest float32. One of at most 53 bits
// is exact as high · 2^32 + low, and storing it rounds once; only larger ones
// take the slow BigInt path.
function read64(view: DataView, at: number, signed: boolean): number {
  const high = signed ? view.getInt32(at + 4, true) : view.getUint32(at + 4, true);
  if (high >= -(2 ** 21) && high < 2 ** 21) return high * 2 ** 32 + view.getUint32(at, true);
  return roundedOnce(signed ? view.getBigInt64(at, true) : view.getBigUint64(at, true));
}

// A 64-bit integer as the nearest float32 (ties to even), as a number. Through a
// double, one of more than 53 bits would be rounded twice: 2^60 + 2^36 + 1 would
// become the tie 2^60 + 2^36 and then 2^60, not 2^60 + 2^37.
function roundedOnce(value: bigint): number {
  const magnitude = value < 0n ? -value : value;
  if (magnitude <= 2n ** 53n) return Number(value);
  const shift = BigInt(magnitude.toString(2).length - 24);
  let top = magnitude >> shift;
  const rest = magnitude - (top << shift), half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (top & 1n) === 1n)) top++;
  const rounded = Number(top) * 2 ** Number(shift); // exact: 25 bits at most
  return value < 0n ? -rounded : rounded;
}

/** Every element type that `decode` reads, in safetensors' names. */
export type Dtype = FloatDtype | IntegerDtype;

/** Bytes per element of every `Dtype`: floats first, then integers. */
export const DTYPE_BYTES: Readonly<Record<Dtype, number>> = { ...FLOAT_BYTES, ...INTEGER_BYTES };

/** `raw` as float32, by `decodeFloats` or `decodeIntegers` as its dtype is. */
export function decode(dtype: Dtype, raw: Uint8Array): Float32Array {
  return Object.hasOwn(FLOAT_BYTES, dtype)
    ? decodeFloats(dtype as FloatDtype, raw)
    : decodeIntegers(dtype as IntegerDtype, raw);
}

/**
 * Sets `record[key]` as an ordinary own property, also for a key a file names
 * "__proto__", which plain assignment would take as the record's prototype.
 */
export function setOwnKey<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Reverses each `width`-byte group of `bytes` in place. */
export function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}
