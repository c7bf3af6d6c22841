// format() against the text real PyTorch 1.13 prints (str(t)); fixtures from
// tests/fixtures/make_format_fixtures.py.

import assert from "node:assert/strict";
import { format, type FormatOptions } from "../format.ts";
import { Tensor } from "../tensor.ts";

interface TorchOptions {
  precision?: number;
  threshold?: number | "inf";
  edgeitems?: number;
  linewidth?: number;
  sci_mode?: boolean;
}

interface Case {
  name: string;
  shape: number[];
  bits: number[];
  options: TorchOptions;
  expected: string;
}

type NumberEntry = { bits: number } & Record<string, string | number>;

const fixtureDir = new URL("./fixtures/format/", import.meta.url);
const cases: Case[] = JSON.parse(
  Deno.readTextFileSync(new URL("cases.json", fixtureDir)),
).cases;
const numbers: NumberEntry[] = JSON.parse(
  Deno.readTextFileSync(new URL("numbers.json", fixtureDir)),
).numbers;

function fromBits(shape: number[], bits: number[]): Tensor {
  return new Tensor(shape, new Float32Array(Uint32Array.from(bits).buffer));
}

function toOptions(torch: TorchOptions): FormatOptions {
  const options: FormatOptions = {};
  if (torch.precision !== undefined) options.precision = torch.precision;
  if (torch.threshold !== undefined) {
    options.threshold = torch.threshold === "inf" ? Infinity : torch.threshold;
  }
  if (torch.edgeitems !== undefined) options.edgeitems = torch.edgeitems;
  if (torch.linewidth !== undefined) options.linewidth = torch.linewidth;
  if (torch.sci_mode !== undefined) options.sciMode = torch.sci_mode;
  return options;
}

Deno.test("format: fixture set is complete", () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases`);
  assert.ok(numbers.length >= 1000, `only ${numbers.length} numbers`);
});

for (const c of cases) {
  Deno.test(`format matches torch: ${c.name}`, () => {
    assert.equal(format(fromBits(c.shape, c.bits), toOptions(c.options)), c.expected);
  });
}

Deno.test("format matches torch number by number (fixed and scientific, precision 0-7)", () => {
  const failures: string[] = [];
  let checked = 0;
  for (const entry of numbers) {
    const t = fromBits([], [entry.bits]);
    for (const [key, expected] of Object.entries(entry)) {
      if (key === "bits") continue;
      const precision = Number(key.slice(1));
      const actual = format(t, { precision, sciMode: key[0] === "e" });
      checked++;
      if (actual !== expected) {
        failures.push(`${t.data[0]} (${key}): got ${actual}, torch ${expected}`);
      }
    }
  }
  assert.ok(checked > 10000);
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${checked} differ`);
});

Deno.test("format accepts a plain { shape, data } and leaves the input alone", () => {
  const data = new Float32Array([0.5, -1.25]);
  assert.equal(format({ shape: [2], data }), "tensor([ 0.5000, -1.2500])");
  assert.deepEqual([...data], [0.5, -1.25]);
});

Deno.test("format rejects bad options and mismatched data", () => {
  const t = new Tensor([2], [1, 2]);
  assert.throws(() => format(t, { precision: -1 }), RangeError);
  assert.throws(() => format(t, { precision: 1.5 }), RangeError);
  assert.throws(() => format(t, { edgeitems: -1 }), RangeError);
  assert.throws(() => format(t, { linewidth: NaN }), RangeError);
  assert.throws(() => format(t, { threshold: NaN }), RangeError);
  assert.throws(() => format({ shape: [3], data: new Float32Array(2) }), RangeError);
});

Deno.test("format of large tensors with threshold Infinity stays fast", () => {
  const data = new Float32Array(200_000).map((_, i) => Math.sin(i) * 1e-3);
  const start = performance.now();
  const text = format(new Tensor([data.length], data), { threshold: Infinity });
  const ms = performance.now() - start;
  assert.ok(text.startsWith("tensor([ 0.0000e+00,  8.4147e-04,"), text.slice(0, 40));
  assert.ok(ms < 5000, `${ms} ms`);
});

// Expected strings from torch 1.13's str() with these set_printoptions.
Deno.test("format summarises only above threshold, and elides only axes above 2·edgeitems", () => {
  const range = (shape: number[]) =>
    new Tensor(shape, Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => i));
  assert.equal(
    format(range([6]), { threshold: 6, edgeitems: 2 }),
    "tensor([0., 1., 2., 3., 4., 5.])",
  );
  assert.equal(
    format(range([6]), { threshold: 5, edgeitems: 2 }),
    "tensor([0., 1.,  ..., 4., 5.])",
  );
  assert.equal(format(range([4]), { threshold: 1, edgeitems: 2 }), "tensor([0., 1., 2., 3.])");
  assert.equal(
    format(range([4, 5]), { threshold: 1, edgeitems: 2 }),
    "tensor([[ 0.,  1.,  ...,  3.,  4.],\n" +
      "        [ 5.,  6.,  ...,  8.,  9.],\n" +
      "        [10., 11.,  ..., 13., 14.],\n" +
      "        [15., 16.,  ..., 18., 19.]])",
  );
  assert.equal(
    format(range([5, 4]), { threshold: 1, edgeitems: 2 }),
    "tensor([[ 0.,  1.,  2.,  3.],\n" +
      "        [ 4.,  5.,  6.,  7.],\n" +
      "        ...,\n" +
      "        [12., 13., 14., 15.],\n" +
      "        [16., 17., 18., 19.]])",
  );
});

Deno.test("format puts the size= suffix on its own line past the line width, as torch", () => {
  assert.equal(format(Tensor.zeros([2, 0]), { linewidth: 23 }), "tensor([],\n       size=(2, 0))");
  assert.equal(format(Tensor.zeros([2, 0]), { linewidth: 24 }), "tensor([], size=(2, 0))");
});
