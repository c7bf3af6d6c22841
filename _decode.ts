// Little-endian float data of the file formats this library reads (safetensors,
// .npy), widened or rounded to float32 as torch's `.float()` does.

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

/** Reverses each `width`-byte group of `bytes` in place. */
export function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}
