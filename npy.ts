/**
 * Reading NumPy's .npy format (`numpy.save`): the magic `\x93NUMPY`, a version
 * (1.0, 2.0 or 3.0), a little-endian header length (2 bytes in 1.0, 4 after),
 * a header that is a Python dict literal `{'descr': '<f4', 'fortran_order':
 * False, 'shape': (2, 3), }`, then the array's bytes.
 *
 * A file this reader does not understand gives an `Error` naming what is wrong,
 * never a crash or a huge allocation: sizes are checked before anything is
 * allocated.
 *
 * @module
 */
import { decodeFloats, FLOAT_BYTES, type FloatDtype } from "./_decode.ts";
import { describe } from "./_describe.ts";
import { Tensor } from "./tensor.ts";

// numpy's descr of each float type read, little-endian ('<'; '=' on a little-endian machine).
const DTYPES: Readonly<Record<string, FloatDtype>> = { f4: "F32", f8: "F64", f2: "F16" };

/**
 * The float32 `Tensor` a .npy file holds: float32 arrays bit for bit, float16
 * widened exactly and float64 rounded to nearest (as torch's `.float()`). Other
 * dtypes, big-endian data and Fortran order are errors that say how to save the
 * array instead (`x.astype(np.float32)`, `np.ascontiguousarray(x)`).
 *
 * @example
 * ```ts
 * import { loadNpy } from "./mod.ts";
 * const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }".padEnd(53) + "\n";
 * const bytes = new Uint8Array([
 *   0x93, ...new TextEncoder().encode("NUMPY"), 1, 0, header.length, 0,
 *   ...new TextEncoder().encode(header),
 *   ...new Uint8Array(new Float32Array([0.5, -1]).buffer),
 * ]);
 * console.log(loadNpy(bytes).data); // Float32Array(2) [ 0.5, -1 ]
 * ```
 */
export function loadNpy(bytes: Uint8Array): Tensor {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`loadNpy expects the file's bytes as a Uint8Array: got ${describe(bytes)}`);
  }
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((byte, i) => bytes[i] !== byte)) {
    throw new Error("npy: not a .npy file (it does not start with \\x93NUMPY)");
  }
  const major = bytes[6], minor = bytes[7];
  if (!(major >= 1 && major <= 3) || minor !== 0) {
    throw new Error(`npy: version ${major}.${minor} is not one this reader knows (1.0, 2.0, 3.0)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) throw new Error("npy: the file ends inside its header length");
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = start + headerLength;
  if (dataStart > bytes.length) {
    throw new Error(
      `npy: the header (${headerLength} bytes) runs past the end of the file (${bytes.length} bytes)`,
    );
  }
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1")
    .decode(bytes.subarray(start, dataStart));
  const descr = header.match(/'descr'\s*:\s*'([^']*)'/)?.[1];
  const fortran = header.match(/'fortran_order'\s*:\s*(True|False)/)?.[1];
  const dims = header.match(/'shape'\s*:\s*\(([^)]*)\)/)?.[1];
  if (descr === undefined || fortran === undefined || dims === undefined) {
    throw new Error(
      `npy: the header is not a dict of 'descr' (a string), 'fortran_order' and 'shape': ${
        JSON.stringify(header.trim().slice(0, 200))
      }`,
    );
  }
  const dtype = /^[<=]/.test(descr) ? DTYPES[descr.slice(1)] : undefined;
  if (dtype === undefined) {
    throw new Error(
      `npy: only little-endian float32, float16 and float64 ('<f4', '<f2', '<f8') are read: ` +
        `got '${descr}'; save x.astype(np.float32)`,
    );
  }
  if (fortran === "True") {
    throw new Error("npy: Fortran-order arrays are not read: save np.ascontiguousarray(x)");
  }
  const items = dims.split(",").map((item) => item.trim());
  if (items.at(-1) === "") items.pop(); // "(5,)"
  const shape = items.map((item) => (/^\d+L?$/.test(item) ? Number(item.replace("L", "")) : NaN));
  if (shape.some((n) => !Number.isSafeInteger(n))) {
    throw new Error(`npy: the shape (${dims}) is not a tuple of non-negative integers`);
  }
  // Checked before allocating: a corrupt header may claim any shape.
  const count = shape.reduce((a, b) => a * b, 1);
  const needed = count * FLOAT_BYTES[dtype];
  if (bytes.length - dataStart !== needed) {
    throw new Error(
      `npy: the data has ${bytes.length - dataStart} bytes, the header's shape (${dims}) ` +
        `of '${descr}' needs ${needed}`,
    );
  }
  return new Tensor(shape, decodeFloats(dtype, bytes.subarray(dataStart)));
}
