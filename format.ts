/**
 * Text formatting of tensors exactly as PyTorch 1.13 prints a float32 CPU tensor
 * (`str(t)`), a port of `torch/_tensor_str.py`.
 *
 * @module
 */

import { checkOptions } from "./_options.ts";

/**
 * Print options, as `torch.set_printoptions` takes them; each defaults to torch's default.
 *
 * @example
 * ```ts
 * import { format, type FormatOptions } from "./format.ts";
 * const options: FormatOptions = { precision: 2 };
 * console.log(format({ shape: [2], data: new Float32Array([0.125, 0.5]) }, options));
 * // tensor([0.12, 0.50])
 * ```
 */
export interface FormatOptions {
  /** Digits after the decimal point (default 4). */
  precision?: number;
  /** More elements than this are summarised with `...` (default 1000; may be `Infinity`). */
  threshold?: number;
  /** Items shown at the start and end of each summarised axis (default 3). */
  edgeitems?: number;
  /** Characters per line before a row wraps (default 80). */
  linewidth?: number;
  /** Force (`true`) or forbid (`false`) scientific notation; `undefined` lets torch choose. */
  sciMode?: boolean;
}

/**
 * The text `str(t)` gives in PyTorch 1.13 for a float32 CPU tensor with these print
 * options: `tensor([[-0.0819,  0.8100]])`, `tensor(1.5000)`, `tensor([], size=(2, 0))`.
 * Numbers are rounded exactly as Python's `'{:.4f}'` / `'{:.4e}'` round them (correctly,
 * ties to even); notation, column width, line wrapping and `...` summaries follow torch.
 * Takes a `Tensor` or any `{ shape, data }` with row-major float32 `data`.
 *
 * @example
 * ```ts
 * import { format } from "./format.ts";
 * import { Tensor } from "./tensor.ts";
 * const t = new Tensor([1, 2], [-0.0819, 0.81]);
 * console.log(format(t)); // tensor([[-0.0819,  0.8100]])
 * console.log(format(new Tensor([2], [1e-5, 1]))); // tensor([1.0000e-05, 1.0000e+00])
 * ```
 */
export function format(
  tensor: { readonly shape: readonly number[]; readonly data: ArrayLike<number> },
  options: FormatOptions = {},
): string {
  const opts = resolveOptions(options);
  const { shape, data } = tensor;
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) {
    throw new RangeError(
      `format: data length ${data.length} does not match shape [${shape.join(", ")}]`,
    );
  }
  const prefix = "tensor(";
  const indent = prefix.length;
  if (size === 0) {
    // torch prints the shape of an empty tensor unless it is 1-D.
    const suffixes = shape.length === 1 ? [] : [`size=(${shape.join(", ")})`];
    return addSuffixes(prefix + "[]", suffixes, indent, opts.linewidth);
  }
  const summarize = size > opts.threshold;
  const strides = new Array<number>(shape.length);
  for (let axis = shape.length - 1, stride = 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  const formatter = new Formatter(
    summarize ? summarizedValues(shape, strides, data, opts.edgeitems) : data,
    opts,
  );
  const e = opts.edgeitems;

  const render = (axis: number, offset: number, indent: number): string => {
    const rank = shape.length - axis;
    if (rank === 0) return formatter.format(data[offset]);
    const n = shape[axis], stride = strides[axis];
    const elided = summarize && n > 2 * e;
    if (rank === 1) {
      const elementLength = formatter.maxWidth + 2;
      const perLine = Math.max(1, Math.floor((opts.linewidth - indent) / elementLength));
      const items: string[] = [];
      const push = (from: number, to: number) => {
        for (let i = from; i < to; i++) items.push(formatter.format(data[offset + i * stride]));
      };
      if (elided) {
        push(0, e);
        items.push(" ...");
        // Python's `t[-0:]` is the whole axis, so edgeitems 0 shows every item after `...`.
        push(e === 0 ? 0 : n - e, n);
      } else {
        push(0, n);
      }
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) {
        lines.push(items.slice(i, i + perLine).join(", "));
      }
      return "[" + lines.join(",\n" + " ".repeat(indent + 1)) + "]";
    }
    const slices: string[] = [];
    const push = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        slices.push(render(axis + 1, offset + i * stride, indent + 1));
      }
    };
    if (elided) {
      push(0, e);
      slices.push("...");
      push(n - e, n);
    } else {
      push(0, n);
    }
    return "[" + slices.join("," + "\n".repeat(rank - 1) + " ".repeat(indent + 1)) + "]";
  };

  return addSuffixes(prefix + render(0, 0, indent), [], indent, opts.linewidth);
}

const FORMAT_OPTION_NAMES = {
  precision: true,
  threshold: true,
  edgeitems: true,
  linewidth: true,
  sciMode: true,
} as const satisfies Record<keyof FormatOptions, true>;

type ResolvedOptions = Required<Omit<FormatOptions, "sciMode">> & { sciMode?: boolean };

function resolveOptions(options: FormatOptions): ResolvedOptions {
  checkOptions("format", "options", options, FORMAT_OPTION_NAMES);
  const {
    precision = 4,
    threshold = 1000,
    edgeitems = 3,
    linewidth = 80,
    sciMode,
  } = options;
  const checkInteger = (name: string, value: unknown, min: number) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      throw new RangeError(
        `format: ${name} must be an integer${min > -Infinity ? ` >= ${min}` : ""}: got ${
          String(value)
        }`,
      );
    }
  };
  checkInteger("precision", precision, 0);
  checkInteger("edgeitems", edgeitems, 0);
  checkInteger("linewidth", linewidth, -Infinity);
  if (typeof threshold !== "number" || Number.isNaN(threshold)) {
    throw new RangeError(`format: threshold must be a number: got ${String(threshold)}`);
  }
  if (sciMode !== undefined && typeof sciMode !== "boolean") {
    throw new TypeError(`format: sciMode must be a boolean or undefined: got ${String(sciMode)}`);
  }
  return { precision, threshold, edgeitems, linewidth, sciMode };
}

/** torch's `_add_suffixes`: `, suffix` or, past the line width, `,\n<indent>suffix`; then `)`. */
function addSuffixes(text: string, suffixes: string[], indent: number, linewidth: number): string {
  let out = text;
  let lastLineLength = text.length - text.lastIndexOf("\n") + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > linewidth) {
      out += ",\n" + " ".repeat(indent) + suffix;
      lastLineLength = indent + suffix.length;
    } else {
      out += ", " + suffix;
      lastLineLength += suffix.length + 2;
    }
  }
  return out + ")";
}

/** torch's `get_summarized_data`: the elements a summarised print shows, flattened. */
function summarizedValues(
  shape: readonly number[],
  strides: number[],
  data: ArrayLike<number>,
  e: number,
): number[] {
  const out: number[] = [];
  const visit = (axis: number, offset: number) => {
    if (axis === shape.length) {
      out.push(data[offset]);
      return;
    }
    const n = shape[axis];
    const last = axis === shape.length - 1;
    let indices: number[];
    if (n > 2 * e) {
      const head = Array.from({ length: e }, (_, i) => i);
      // As `t[-0:]` in Python, a last axis with edgeitems 0 keeps all of its items.
      const tail = last && e === 0
        ? Array.from({ length: n }, (_, i) => i)
        : Array.from({ length: e }, (_, i) => n - e + i);
      indices = head.concat(tail);
    } else {
      indices = Array.from({ length: n }, (_, i) => i);
    }
    for (const i of indices) visit(axis + 1, offset + i * strides[axis]);
  };
  visit(0, 0);
  return out;
}

/** torch's `_Formatter` for floating-point tensors. */
class Formatter {
  intMode = true;
  sciMode = false;
  maxWidth = 1;
  readonly precision: number;

  constructor(values: ArrayLike<number>, opts: ResolvedOptions) {
    this.precision = opts.precision;
    const p = opts.precision;
    const finite: number[] = [];
    let min = Infinity, max = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v) || v === 0) continue;
      finite.push(v);
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
      if (this.intMode && !Number.isInteger(v)) this.intMode = false;
    }
    // As in torch, with no nonzero finite value the sciMode option is ignored.
    if (finite.length === 0) return;
    const sci = max / min > 1000 || max > 1e8 || (!this.intMode && min < 1e-4);
    let width = 1;
    if (sci) {
      this.sciMode = true;
      for (const v of finite) width = Math.max(width, formatExponential(v, p).length);
    } else if (this.intMode) {
      for (const v of finite) width = Math.max(width, formatFixed(v, 0).length + 1);
    } else {
      for (const v of finite) width = Math.max(width, formatFixed(v, p).length);
    }
    this.maxWidth = width;
    if (opts.sciMode !== undefined) this.sciMode = opts.sciMode;
  }

  format(value: number): string {
    let text: string;
    if (this.sciMode) {
      text = formatExponential(value, this.precision);
    } else if (this.intMode) {
      text = formatFixed(value, 0);
      if (Number.isFinite(value)) text += ".";
    } else {
      text = formatFixed(value, this.precision);
    }
    return text.length < this.maxWidth ? " ".repeat(this.maxWidth - text.length) + text : text;
  }
}

/** Python's `'{:.<p>f}'.format(value)`. */
function formatFixed(value: number, p: number): string {
  if (Number.isNaN(value)) return "nan";
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  const a = Math.abs(value);
  if (a === Infinity) return sign + "inf";
  // `toFixed` is correctly rounded but breaks ties away from zero where Python breaks them to
  // even; a tie at p digits means the lowest set bit of `a` is worth exactly 2^-(p+1).
  const tie = Number.isInteger(a * 2 ** (p + 1)) && !Number.isInteger(a * 2 ** p);
  if (p <= 20 && a < 1e21 && !tie) return sign + a.toFixed(p);
  return sign + exactFixed(a, p);
}

/** Python's `'{:.<p>e}'.format(value)`: at least two exponent digits, as `1.0000e-05`. */
function formatExponential(value: number, p: number): string {
  if (Number.isNaN(value)) return "nan";
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  const a = Math.abs(value);
  if (a === Infinity) return sign + "inf";
  let text: string | undefined;
  if (p <= 20 && a !== 0) {
    // A tie at p+1 significant digits shows as a final 5 at p+2 digits; send those to the
    // exact path, which breaks ties to even as Python does.
    const longer = a.toExponential(p + 1);
    if (longer[longer.indexOf("e") - 1] !== "5") text = a.toExponential(p);
  }
  text ??= exactExponential(a, p);
  const [mantissa, exponent] = text.split("e");
  const digits = exponent.slice(1);
  return sign + mantissa + "e" + exponent[0] + (digits.length < 2 ? "0" + digits : digits);
}

const scratch = new DataView(new ArrayBuffer(8));

/** A finite double as `mantissa * 2^exponent`, exactly. */
function decompose(a: number): [bigint, number] {
  scratch.setFloat64(0, a);
  const hi = scratch.getUint32(0), lo = scratch.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return biased === 0 ? [mantissa, -1074] : [mantissa | (1n << 52n), biased - 1075];
}

/** `num / den` rounded to the nearest integer, ties to even. */
function divRound(num: bigint, den: bigint): bigint {
  const q = num / den, r2 = (num % den) * 2n;
  return r2 > den || (r2 === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** `a * 10^k` (a >= 0 finite) rounded to an integer, ties to even, exactly. */
function scaledRound(a: number, k: number): bigint {
  const [mantissa, exponent] = decompose(a);
  let num = mantissa, den = 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  return divRound(num, den);
}

/** Fixed notation of `a >= 0` with p decimals from its exact binary value, ties to even. */
function exactFixed(a: number, p: number): string {
  const digits = scaledRound(a, p).toString().padStart(p + 1, "0");
  return p === 0 ? digits : digits.slice(0, -p) + "." + digits.slice(-p);
}

/** `d.ddde±x` (JS exponent style) of `a >= 0` with p decimals, exactly, ties to even. */
function exactExponential(a: number, p: number): string {
  let exponent = 0;
  let n = 0n;
  if (a !== 0) {
    const low = 10n ** BigInt(p), high = low * 10n;
    exponent = Math.floor(Math.log10(a));
    for (;;) {
      n = scaledRound(a, p - exponent);
      if (n >= high) exponent++;
      else if (n < low) exponent--;
      else break;
    }
  }
  const digits = n.toString().padStart(p + 1, "0");
  const mantissa = p === 0 ? digits : digits[0] + "." + digits.slice(1);
  return mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.abs(exponent);
}
