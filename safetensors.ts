/**
 * Reading and writing the safetensors format (huggingface/safetensors): an 8-byte
 * little-endian u64 header length N, N bytes of UTF-8 JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {key: value}}`,
 * then the data buffer that the offsets index into.
 *
 * Files are validated as the reference implementation does, so a hostile file
 * gives an `Error` (a `TypeError` for wrong JSON types, a `RangeError` for sizes
 * and offsets) naming what is wrong, never a crash, a hang or a huge allocation.
 *
 * @module
 */
import { BIG_ENDIAN, decode, type Dtype, DTYPE_BYTES, setOwnKey, swapBytes } from "./_decode.ts";
import { Tensor } from "./tensor.ts";

/** The largest header the reference implementation reads (100 MB). */
const MAX_HEADER_SIZE = 100_000_000;
/** JSON nesting limit, as serde_json's. */
const MAX_DEPTH = 128;
const METADATA_KEY = "__metadata__";

/** Bits per element of every dtype the reference implementation knows. */
const DTYPE_BITS: Readonly<Record<string, number>> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  F64: 64,
  C64: 64,
  I64: 64,
  U64: 64,
};
// The dtypes read as float32: those decode knows.
const READABLE = Object.keys(DTYPE_BYTES);

/**
 * Reads every tensor of a safetensors file as a float32 `Tensor`, keyed by name in
 * the order of their data in the file (a `state_dict`, as `safetensors.torch.load`).
 * F32 is copied bit for bit; F16 and BF16 are widened exactly (as torch's
 * `.float()`, which also quiets signalling F16 NaNs); F64 is rounded to nearest
 * (`Math.fround`); integers (such as a BatchNorm's I64 `num_batches_tracked`)
 * and BOOL are rounded to nearest once, as `.float()` rounds them. Data may be
 * unaligned; it is read little-endian on any platform. The other dtypes (8-bit
 * and smaller floats, C64) are an error naming the tensor. The header's
 * `__metadata__` is ignored here: see `readSafetensorsMetadata`.
 *
 * @example
 * ```ts
 * import { loadSafetensors, saveSafetensors } from "./safetensors.ts";
 * import { Tensor } from "./tensor.ts";
 * const bytes = saveSafetensors({ "fc.bias": new Tensor([2], [0.5, -1]) });
 * const state = loadSafetensors(bytes);
 * console.log(state["fc.bias"].shape, state["fc.bias"].data); // [2] Float32Array(2) [0.5, -1]
 * ```
 */
export function loadSafetensors(bytes: Uint8Array): Record<string, Tensor> {
  const { entries, dataStart } = parseFile(bytes);
  const record: Record<string, Tensor> = {};
  for (const entry of entries) {
    if (!READABLE.includes(entry.dtype)) {
      throw new Error(
        `safetensors: tensor ${
          JSON.stringify(entry.name)
        } has dtype ${entry.dtype}, which cannot be read as float32: expected one of ${
          READABLE.join(", ")
        }`,
      );
    }
    const start = dataStart + entry.begin;
    const raw = bytes.subarray(start, start + entry.byteLength);
    setOwnKey(record, entry.name, new Tensor(entry.shape, decode(entry.dtype as Dtype, raw)));
  }
  return record;
}

/**
 * Reads the `__metadata__` string map of a safetensors file (`{}` when absent), as
 * `safe_open(...).metadata()`. The whole file is validated, as by `loadSafetensors`,
 * but no tensor is decoded, so files with dtypes it cannot read (F8_E4M3, …) are fine here.
 *
 * @example
 * ```ts
 * import { readSafetensorsMetadata, saveSafetensors } from "./safetensors.ts";
 * const bytes = saveSafetensors({}, { format: "pt" });
 * console.log(readSafetensorsMetadata(bytes)); // { format: "pt" }
 * ```
 */
export function readSafetensorsMetadata(bytes: Uint8Array): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of parseFile(bytes).metadata) setOwnKey(metadata, key, value);
  return metadata;
}

/**
 * Writes tensors (and an optional `__metadata__` string map) as a safetensors file,
 * all in F32, byte for byte as the reference `safetensors.torch.save` would for
 * float32 tensors: tensors sorted by name (Unicode code point order, which is the
 * reference's UTF-8 byte order; it sorts by dtype alignment first, but all are F32
 * here), data contiguous in that order, compact JSON header with `__metadata__`
 * first (its keys sorted the same way), padded with spaces to a multiple of 8 bytes.
 * Float32 bits, NaN payloads included, are written unchanged, little-endian.
 *
 * @example
 * ```ts
 * import { saveSafetensors } from "./safetensors.ts";
 * import { Tensor } from "./tensor.ts";
 * const bytes = saveSafetensors({ w: new Tensor([1, 2], [1, 2]) }, { format: "pt" });
 * console.log(bytes.length); // 8 + 88-byte header + 8 bytes of data = 104
 * ```
 */
export function saveSafetensors(
  record: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    throw new TypeError(
      `saveSafetensors: tensors must be a record of name to Tensor: got ${typeName(record)}`,
    );
  }
  const names = Object.keys(record).sort(compareCodePoints);
  const tensors = names.map((name) => {
    checkName(name, "tensor name");
    if (name === METADATA_KEY) {
      throw new RangeError(
        `saveSafetensors: "${METADATA_KEY}" is reserved for metadata and cannot name a tensor`,
      );
    }
    return checkTensor(name, record[name]);
  });

  let header = "{";
  if (metadata !== undefined) {
    if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
      throw new TypeError(
        `saveSafetensors: metadata must be a record of strings: got ${typeName(metadata)}`,
      );
    }
    const keys = Object.keys(metadata).sort(compareCodePoints);
    header += `${JSON.stringify(METADATA_KEY)}:{`;
    header += keys.map((key) => {
      checkName(key, "metadata key");
      const value = metadata[key];
      if (typeof value !== "string") {
        throw new TypeError(
          `saveSafetensors: metadata ${JSON.stringify(key)} must be a string: got ${
            typeName(value)
          }`,
        );
      }
      checkName(value, `metadata ${JSON.stringify(key)} value`);
      return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    }).join(",");
    header += "}";
    if (names.length > 0) header += ",";
  }
  let offset = 0;
  header += names.map((name, i) => {
    const { shape, data } = tensors[i];
    const begin = offset;
    offset += data.byteLength;
    return `${JSON.stringify(name)}:{"dtype":"F32","shape":[${
      shape.join(",")
    }],"data_offsets":[${begin},${offset}]}`;
  }).join(",");
  header += "}";

  const headerBytes = new TextEncoder().encode(header);
  const headerLength = headerBytes.length + (8 - headerBytes.length % 8) % 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(headerBytes, 8);
  out.fill(0x20, 8 + headerBytes.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const { data } of tensors) {
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    out.set(raw, at);
    if (BIG_ENDIAN) swapBytes(out.subarray(at, at + raw.length), 4);
    at += raw.length;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Reading

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  byteLength: number;
}

/** Parses and validates a whole file as the reference `SafeTensors::read_metadata`. */
function parseFile(
  bytes: Uint8Array,
): { entries: Entry[]; metadata: [string, string][]; dataStart: number } {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`safetensors: bytes must be a Uint8Array: got ${typeName(bytes)}`);
  }
  if (bytes.length < 8) {
    throw new RangeError(
      `safetensors: file too short for the 8-byte header length: expected at least 8 bytes, got ${bytes.length}`,
    );
  }
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) {
    throw new RangeError(
      `safetensors: header length ${n} is larger than the ${MAX_HEADER_SIZE}-byte limit`,
    );
  }
  const headerLength = Number(n);
  if (8 + headerLength > bytes.length) {
    throw new RangeError(
      `safetensors: header length ${headerLength} exceeds the file: expected at most ${
        bytes.length - 8
      } bytes after the 8-byte length`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(8, 8 + headerLength),
    );
  } catch {
    throw new Error("safetensors: header is not valid UTF-8");
  }
  const root = new JsonParser(text).parseDocument();
  if (!(root instanceof Map)) {
    throw new TypeError(`safetensors: header must be a JSON object: got ${jsonType(root)}`);
  }

  let metadata: [string, string][] = [];
  const infos: { name: string; dtype: string; shape: bigint[]; begin: bigint; end: bigint }[] = [];
  for (const [name, value] of root) {
    if (name === METADATA_KEY) {
      metadata = readMetadata(value);
      continue;
    }
    const where = `safetensors: tensor ${JSON.stringify(name)}`;
    if (!(value instanceof Map)) {
      throw new TypeError(`${where}: entry must be an object: got ${jsonType(value)}`);
    }
    const dtype = value.get("dtype");
    if (dtype === undefined) throw new TypeError(`${where}: missing field "dtype"`);
    if (typeof dtype !== "string") {
      throw new TypeError(`${where}: "dtype" must be a string: got ${jsonType(dtype)}`);
    }
    if (!Object.hasOwn(DTYPE_BITS, dtype)) {
      throw new Error(
        `${where}: unknown dtype ${JSON.stringify(dtype)}: expected one of ${
          Object.keys(DTYPE_BITS).join(", ")
        }`,
      );
    }
    const shape = readIntegers(value, "shape", where);
    const offsets = readIntegers(value, "data_offsets", where);
    if (offsets.length !== 2) {
      throw new TypeError(
        `${where}: "data_offsets" must be [begin, end]: got an array of length ${offsets.length}`,
      );
    }
    infos.push({ name, dtype, shape, begin: offsets[0], end: offsets[1] });
  }

  // Reference `Metadata::validate`: sorted by offsets, the tensors must tile the
  // data buffer from 0 with no gap and no overlap, each exactly as long as its
  // shape and dtype say, and the last must end at the end of the file.
  infos.sort((a, b) => cmp(a.begin, b.begin) || cmp(a.end, b.end));
  const dataStart = 8 + headerLength;
  const bufferLength = BigInt(bytes.length - dataStart);
  let expectedBegin = 0n;
  let previous: string | undefined;
  const entries: Entry[] = [];
  for (const info of infos) {
    const where = `safetensors: tensor ${JSON.stringify(info.name)}`;
    const offsets = `data_offsets [${info.begin}, ${info.end}]`;
    if (info.end < info.begin) {
      throw new RangeError(`${where}: ${offsets} are reversed: expected begin <= end`);
    }
    if (info.begin !== expectedBegin) {
      const after = previous === undefined
        ? "the start of the data buffer"
        : `the end of tensor ${JSON.stringify(previous)}`;
      throw new RangeError(
        `${where}: ${offsets} ${
          info.begin > expectedBegin ? "leave a gap after" : "overlap"
        } ${after}: expected begin ${expectedBegin}, got ${info.begin}`,
      );
    }
    let elements = 1n;
    for (const dim of info.shape) {
      elements *= dim;
      // As the reference's checked_mul: stop before a hostile shape builds a huge BigInt.
      if (elements >= 2n ** 64n) {
        throw new RangeError(
          `${where}: shape ${formatShape(info.shape)} has 2^64 or more elements`,
        );
      }
    }
    const bits = elements * BigInt(DTYPE_BITS[info.dtype]);
    if (bits % 8n !== 0n) {
      throw new RangeError(
        `${where}: ${elements} elements of ${info.dtype} are not a whole number of bytes`,
      );
    }
    const byteLength = info.end - info.begin;
    if (bits / 8n !== byteLength) {
      throw new RangeError(
        `${where}: shape ${formatShape(info.shape)} of ${info.dtype} needs ${
          bits / 8n
        } bytes, but ${offsets} span ${byteLength}`,
      );
    }
    if (info.end > bufferLength) {
      throw new RangeError(
        `${where}: ${offsets} run past the end of the data buffer (file truncated?): expected end <= ${bufferLength}, got ${info.end}`,
      );
    }
    entries.push({
      name: info.name,
      dtype: info.dtype,
      shape: info.shape.map(Number),
      begin: Number(info.begin),
      byteLength: Number(byteLength),
    });
    expectedBegin = info.end;
    previous = info.name;
  }
  if (expectedBegin !== bufferLength) {
    throw new RangeError(
      `safetensors: the tensors cover ${expectedBegin} bytes of data, but the file has ${bufferLength} bytes after the header: expected the data to fill the rest of the file exactly`,
    );
  }
  return { entries, metadata, dataStart };
}

function readMetadata(value: Json): [string, string][] {
  if (value === null) return []; // serde reads `null` as no metadata
  if (!(value instanceof Map)) {
    throw new TypeError(
      `safetensors: "${METADATA_KEY}" must be an object of strings: got ${jsonType(value)}`,
    );
  }
  const out: [string, string][] = [];
  for (const [key, item] of value) {
    if (typeof item !== "string") {
      throw new TypeError(
        `safetensors: "${METADATA_KEY}" value ${JSON.stringify(key)} must be a string: got ${
          jsonType(item)
        }`,
      );
    }
    out.push([key, item]);
  }
  return out;
}

function readIntegers(entry: Map<string, Json>, field: string, where: string): bigint[] {
  const value = entry.get(field);
  if (value === undefined) throw new TypeError(`${where}: missing field "${field}"`);
  if (!Array.isArray(value)) {
    throw new TypeError(
      `${where}: "${field}" must be an array of non-negative integers: got ${jsonType(value)}`,
    );
  }
  return value.map((item, i) => {
    if (typeof item !== "bigint" || item < 0n || item > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(
        `${where}: "${field}"[${i}] must be an integer from 0 to 2^53 - 1: got ${
          typeof item === "bigint" ? item : jsonType(item)
        }`,
      );
    }
    return item;
  });
}

function formatShape(shape: readonly bigint[]): string {
  const dims = shape.slice(0, 8).join(", ");
  return `[${dims}${shape.length > 8 ? `, … (${shape.length} dims)` : ""}]`;
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------
// Writing helpers

function checkTensor(
  name: string,
  tensor: unknown,
): { shape: readonly number[]; data: Float32Array } {
  const where = `saveSafetensors: tensor ${JSON.stringify(name)}`;
  if (typeof tensor !== "object" || tensor === null) {
    throw new TypeError(`${where} must be a Tensor: got ${typeName(tensor)}`);
  }
  const { shape, data } = tensor as { shape?: unknown; data?: unknown };
  if (!(data instanceof Float32Array) || !Array.isArray(shape)) {
    throw new TypeError(
      `${where} must be a Tensor (a shape and a Float32Array): got ${typeName(tensor)}`,
    );
  }
  let size = 1;
  shape.forEach((dim, axis) => {
    if (typeof dim !== "number" || !Number.isInteger(dim) || dim < 0) {
      throw new RangeError(`${where}: shape[${axis}] must be a non-negative integer: got ${dim}`);
    }
    size *= dim;
  });
  if (size !== data.length) {
    throw new RangeError(
      `${where}: data length must match shape [${
        shape.join(", ")
      }]: expected ${size}, got ${data.length}`,
    );
  }
  return { shape, data };
}

/** Lone surrogates have no UTF-8 form; the reference reader would reject the file. */
function checkName(text: string, what: string): void {
  if (!text.isWellFormed()) {
    throw new RangeError(
      `saveSafetensors: ${what} ${JSON.stringify(text)} contains a lone surrogate (not UTF-8)`,
    );
  }
}

/** Orders strings by Unicode code point, i.e. by their UTF-8 bytes. */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (0xD800-0xDFFF) encodes a code point above every BMP one.
    const xs = x >= 0xd800 && x <= 0xdfff, ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  return typeof value;
}

// ---------------------------------------------------------------------------
// A strict JSON parser: unlike JSON.parse it reports duplicate keys (JSON.parse
// silently keeps the last), keeps integers exact as bigint (so `2.0` and `1e3`
// are told apart from integers, as serde_json does), and bounds nesting depth.

type Json = null | boolean | string | bigint | JsonNumber | Json[] | Map<string, Json>;

function jsonType(value: Json | undefined): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (value instanceof Map) return "an object";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "bigint") return `the integer ${value}`;
  if (value instanceof JsonNumber) {
    const text = value.literal.length > 30 ? `${value.literal.slice(0, 30)}…` : value.literal;
    return `the number ${text}`;
  }
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${value}`;
}

class JsonParser {
  #pos = 0;
  #path: string[] = [];
  constructor(readonly text: string) {}

  parseDocument(): Json {
    this.#skipSpace();
    const value = this.#value(0);
    this.#skipSpace();
    if (this.#pos < this.text.length) this.#fail("end of header");
    return value;
  }

  #fail(expected: string): never {
    const got = this.#pos < this.text.length
      ? JSON.stringify(this.text[this.#pos])
      : "the end of the header";
    throw new Error(
      `safetensors: header is not valid JSON: expected ${expected} at character ${this.#pos}, got ${got}`,
    );
  }

  #skipSpace(): void {
    const t = this.text;
    while (this.#pos < t.length) {
      const c = t.charCodeAt(this.#pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.#pos++;
    }
  }

  #value(depth: number): Json {
    const c = this.text[this.#pos];
    if (c === "{" || c === "[") {
      if (depth >= MAX_DEPTH) {
        throw new RangeError(
          `safetensors: header JSON nests deeper than ${MAX_DEPTH} levels at character ${this.#pos}`,
        );
      }
      return c === "{" ? this.#object(depth + 1) : this.#array(depth + 1);
    }
    if (c === '"') return this.#string();
    if (c === "-" || (c >= "0" && c <= "9")) return this.#number();
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.text.startsWith(word, this.#pos)) {
        this.#pos += word.length;
        return value;
      }
    }
    this.#fail("a JSON value");
  }

  #object(depth: number): Map<string, Json> {
    const map = new Map<string, Json>();
    this.#pos++; // {
    this.#skipSpace();
    if (this.text[this.#pos] === "}") {
      this.#pos++;
      return map;
    }
    for (;;) {
      if (this.text[this.#pos] !== '"') this.#fail("a string key");
      const key = this.#string();
      if (map.has(key)) {
        const inside = this.#path.length === 0
          ? "the header (JSON.parse would silently keep the last)"
          : `${this.#path.map((k) => JSON.stringify(k)).join(".")}`;
        throw new Error(`safetensors: key ${JSON.stringify(key)} appears twice in ${inside}`);
      }
      this.#skipSpace();
      if (this.text[this.#pos] !== ":") this.#fail("':'");
      this.#pos++;
      this.#skipSpace();
      this.#path.push(key);
      map.set(key, this.#value(depth));
      this.#path.pop();
      this.#skipSpace();
      const c = this.text[this.#pos++];
      if (c === "}") return map;
      if (c !== ",") {
        this.#pos--;
        this.#fail("',' or '}'");
      }
      this.#skipSpace();
    }
  }

  #array(depth: number): Json[] {
    const items: Json[] = [];
    this.#pos++; // [
    this.#skipSpace();
    if (this.text[this.#pos] === "]") {
      this.#pos++;
      return items;
    }
    for (;;) {
      items.push(this.#value(depth));
      this.#skipSpace();
      const c = this.text[this.#pos++];
      if (c === "]") return items;
      if (c !== ",") {
        this.#pos--;
        this.#fail("',' or ']'");
      }
      this.#skipSpace();
    }
  }

  #string(): string {
    const t = this.text;
    let pos = ++this.#pos; // opening quote
    let out = "";
    let chunk = pos;
    for (;;) {
      if (pos >= t.length) {
        this.#pos = pos;
        this.#fail("a closing '\"'");
      }
      const c = t.charCodeAt(pos);
      if (c === 0x22) break;
      if (c < 0x20) {
        this.#pos = pos;
        this.#fail("no raw control character in a string");
      }
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += t.slice(chunk, pos);
      const e = t[pos + 1];
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        pos += 2;
      } else if (e === "u") {
        const unit = this.#hex4(pos + 2);
        pos += 6;
        if (unit >= 0xd800 && unit <= 0xdbff) {
          // serde_json requires a high surrogate to be followed by a low one.
          const low = t.startsWith("\\u", pos) ? this.#hex4(pos + 2) : -1;
          if (low < 0xdc00 || low > 0xdfff) {
            this.#pos = pos;
            this.#fail("a low surrogate escape after a high surrogate");
          }
          out += String.fromCharCode(unit, low);
          pos += 6;
          continue;
        }
        if (unit >= 0xdc00 && unit <= 0xdfff) {
          this.#pos = pos - 6;
          this.#fail("no lone low surrogate escape");
        }
        out += String.fromCharCode(unit);
      } else {
        this.#pos = pos;
        this.#fail("a valid escape sequence");
      }
      chunk = pos;
    }
    out += t.slice(chunk, pos);
    this.#pos = pos + 1;
    return out;
  }

  #hex4(at: number): number {
    const digits = this.text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) {
      this.#pos = at;
      this.#fail("4 hex digits");
    }
    return parseInt(digits, 16);
  }

  #number(): bigint | JsonNumber {
    NUMBER.lastIndex = this.#pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.#fail("a number");
    const [literal, fraction, exponent] = match;
    this.#pos += literal.length;
    // Integers are kept exact; long ones (beyond any u64) stay text, never a huge BigInt.
    if (fraction === undefined && exponent === undefined && literal.length <= 24) {
      return BigInt(literal);
    }
    return new JsonNumber(literal);
  }
}

/** A JSON number that is not a (reasonably sized) integer, kept as its text. */
class JsonNumber {
  constructor(readonly literal: string) {}
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};
