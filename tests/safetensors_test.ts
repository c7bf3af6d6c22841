// safetensors.ts against files written from real torch tensors
// (tests/fixtures/make_safetensors_fixtures.py), round trips, the reference
// implementation's exact bytes, and hostile files.

import assert from "node:assert/strict";
import { decode } from "../_decode.ts";
import { RNN } from "../rnn.ts";
import { loadSafetensors, readSafetensorsMetadata, saveSafetensors } from "../safetensors.ts";
import { Tensor } from "../tensor.ts";
import { assertAllClose } from "./_helpers.ts";

const FIXTURES = new URL("./fixtures/safetensors/", import.meta.url);
const readFixture = (name: string) => Deno.readFileSync(new URL(name, FIXTURES));

interface ExpectedTensor {
  dtype: string;
  shape: number[];
  data: (number | "NaN" | "Infinity" | "-Infinity")[];
  bits?: number[];
}
interface TensorJson {
  shape: number[];
  data: number[];
}
interface Expected {
  files: Record<
    string,
    {
      metadata: Record<string, string>;
      tensors: Record<string, ExpectedTensor>;
      rnn?: { input: TensorJson; output: TensorJson; hN: TensorJson };
    }
  >;
  rnn: {
    file: string;
    prefix: string;
    options: { inputSize: number; hiddenSize: number; numLayers: number; bidirectional: boolean };
    input: TensorJson;
    output: TensorJson;
    hN: TensorJson;
  };
}
const expected: Expected = JSON.parse(
  new TextDecoder().decode(readFixture("expected.json")),
);

const bitsOf = (t: Tensor) => new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);

function assertExactly(actual: Tensor, want: ExpectedTensor, label: string): void {
  assert.deepEqual([...actual.shape], want.shape, `${label}: shape`);
  assert.equal(actual.data.length, want.data.length, `${label}: length`);
  want.data.forEach((w, i) => {
    const value = typeof w === "string" ? Number(w) : w;
    assert.ok(
      Object.is(actual.data[i], value),
      `${label}[${i}]: expected ${Object.is(value, -0) ? "-0" : value}, got ${actual.data[i]}`,
    );
  });
  if (want.bits) assert.deepEqual([...bitsOf(actual)], want.bits, `${label}: float32 bits`);
}

/** A file from a header (JSON text, or a value to stringify) and raw data bytes. */
function file(header: string | object, data: ArrayLike<number> = [], length?: bigint): Uint8Array {
  const text = typeof header === "string" ? header : JSON.stringify(header);
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function assertFails(
  bytes: Uint8Array,
  type: ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor,
  message: RegExp,
): void {
  for (const read of [loadSafetensors, readSafetensorsMetadata]) {
    let error: unknown;
    try {
      read(bytes);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof type, `${read.name}: expected a ${type.name}, got ${error}`);
    assert.match((error as Error).message, message, `${read.name}: ${(error as Error).message}`);
  }
}

const f32 = (...values: number[]) => new Uint8Array(new Float32Array(values).buffer);

// ---------------------------------------------------------------------------
// Fixtures written from torch

for (const [name, want] of Object.entries(expected.files)) {
  Deno.test(`fixture ${name}: every tensor equals torch's .float() exactly`, () => {
    const bytes = readFixture(name);
    const state = loadSafetensors(bytes);
    assert.deepEqual(Object.keys(state).sort(), Object.keys(want.tensors).sort());
    for (const [key, tensor] of Object.entries(want.tensors)) {
      assert.ok(state[key] instanceof Tensor, `${key} is a Tensor`);
      assertExactly(state[key], tensor, `${name} ${key}`);
    }
    assert.deepEqual(readSafetensorsMetadata(bytes), want.metadata);
  });
}

Deno.test("fixture model_*: the state_dict of Model(rnn=nn.RNN(3, 5, 2 layers, bidir), fc)", () => {
  const state = loadSafetensors(readFixture("model_f32.safetensors"));
  const keys = ["fc.bias", "fc.weight"];
  for (let layer = 0; layer < 2; layer++) {
    for (const suffix of ["", "_reverse"]) {
      for (const p of ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]) {
        keys.push(`rnn.${p}_l${layer}${suffix}`);
      }
    }
  }
  assert.deepEqual(Object.keys(state).sort(), keys.sort());
  assert.deepEqual(state["rnn.weight_ih_l0"].shape, [5, 3]);
  assert.deepEqual(state["rnn.weight_ih_l1_reverse"].shape, [5, 10]);
  assert.deepEqual(state["rnn.weight_hh_l1"].shape, [5, 5]);
  assert.deepEqual(state["fc.weight"].shape, [2, 10]);
  const { rnn } = expected;
  assert.equal(rnn.file, "model_f32.safetensors");
  assert.deepEqual(rnn.input.shape, [2, 4, 3]);
  assert.deepEqual(rnn.output.shape, [2, 4, 10]);
  assert.deepEqual(rnn.hN.shape, [4, 2, 5]);
});

Deno.test("fixture integers: a model with a BatchNorm's I64 counter loads, and its RNN runs as torch's", () => {
  const file = expected.files["integers.safetensors"];
  const state = loadSafetensors(readFixture("integers.safetensors"));
  assert.equal(file.tensors["bn.num_batches_tracked"].dtype, "I64");
  assert.deepEqual([...state["bn.num_batches_tracked"].data], [2]);
  const rnn = RNN.fromStateDict(state);
  const t = (json: TensorJson) => new Tensor(json.shape, json.data);
  const [output, hN] = rnn.forward(t(file.rnn!.input));
  assertAllClose(output, t(file.rnn!.output), { atol: 1e-6 });
  assertAllClose(hN, t(file.rnn!.hN), { atol: 1e-6 });
});

Deno.test("64-bit integers either side of 2^53 and of each 32-bit half round once", () => {
  // Up to 2^53 in magnitude a number is exact, so Math.fround rounds it once; past it,
  // the nearest float32 is worked out by hand.
  const exact = [
    0n,
    -1n,
    2n ** 31n,
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 33n + 2n ** 31n + 5n,
    -(2n ** 32n) - 1n,
    2n ** 53n - 1n,
    -(2n ** 53n),
    -(2n ** 53n) + 1n,
    2n ** 52n + 2n ** 31n + 1n,
  ];
  const large: [bigint, number][] = [
    [2n ** 53n, 2 ** 53],
    [2n ** 53n + 1n, 2 ** 53],
    [-(2n ** 53n) - 1n, -(2 ** 53)],
    [2n ** 54n + 2n ** 30n + 1n, 2 ** 54 + 2 ** 31],
  ];
  for (const signed of [true, false]) {
    const cases = [...exact.map((v) => [v, Math.fround(Number(v))] as const), ...large]
      .filter(([v]) => signed || v >= 0n);
    const raw = new Uint8Array(cases.length * 8);
    const view = new DataView(raw.buffer);
    cases.forEach(([v], i) =>
      signed ? view.setBigInt64(i * 8, v, true) : view.setBigUint64(i * 8, v, true)
    );
    assert.deepEqual([...decode(signed ? "I64" : "U64", raw)], cases.map(([, f]) => f));
  }
});

Deno.test("fixture F16/BF16/F64 files hold the F32 weights, rounded", () => {
  const exact = loadSafetensors(readFixture("model_f32.safetensors"));
  for (const [name, atol] of [["f16", 1e-3], ["bf16", 4e-3], ["f64", 0]] as const) {
    const state = loadSafetensors(readFixture(`model_${name}.safetensors`));
    for (const [key, t] of Object.entries(exact)) {
      t.data.forEach((v, i) => {
        const error = Math.abs(state[key].data[i] - v);
        assert.ok(error <= atol, `${name} ${key}[${i}]: |${state[key].data[i]} - ${v}| > ${atol}`);
      });
    }
  }
});

Deno.test("re-saving the F32 fixture gives its exact bytes", () => {
  const bytes = readFixture("model_f32.safetensors");
  assert.deepEqual(saveSafetensors(loadSafetensors(bytes), readSafetensorsMetadata(bytes)), bytes);
});

// ---------------------------------------------------------------------------
// Writing

Deno.test("saveSafetensors writes what the reference writes", () => {
  const data = [0, 1, 2, 3, 4, 5];
  const header = (text: string) => {
    const out = file(text, f32(...data));
    return out;
  };
  // No padding needed: a 64-byte header.
  assert.deepEqual(
    saveSafetensors({ "attn.0": new Tensor([1, 2, 3], data) }),
    header('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'),
  );
  // 65 bytes, padded with 7 spaces to 72.
  assert.deepEqual(
    saveSafetensors({ attn0: new Tensor([1, 1, 2, 3], data) }),
    header('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       '),
  );
  assert.deepEqual(saveSafetensors({}), file("{}      "));
  assert.deepEqual(
    saveSafetensors({}, { framework: "pt" }),
    file('{"__metadata__":{"framework":"pt"}}     '),
  );
});

Deno.test("saveSafetensors sorts tensors and metadata by code point, as UTF-8 bytes", () => {
  const one = () => new Tensor([1], [1]);
  const bytes = saveSafetensors(
    { "b": one(), "\u{1F600}": one(), "\uFF01": one(), "10": one(), "2": one(), "a": one() },
    { z: "1", a: "2" },
  );
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
  const names = [...header.matchAll(/"([^"]+)":\{"dtype"/g)].map((m) => m[1]);
  assert.deepEqual(names, ["10", "2", "a", "b", "\uFF01", "\u{1F600}"]);
  assert.ok(header.startsWith('{"__metadata__":{"a":"2","z":"1"},'), header);
  assert.equal(n % 8, 0);
});

Deno.test("round trip keeps names, shapes, metadata and every float32 bit", () => {
  const special = new Float32Array(
    new Uint32Array([
      0x00000000,
      0x80000000,
      0x00000001,
      0x807fffff,
      0x7f7fffff,
      0x7f800000,
      0xff800000,
      0x7fc00000,
      0x7fa00001,
      0xffc12345,
      0x3eaaaaab,
      0x00800000,
    ]).buffer,
  );
  const record: Record<string, Tensor> = {
    "special": new Tensor([3, 4], special),
    "scalar": new Tensor([], [-1.5]),
    "empty": new Tensor([2, 0, 3]),
    "ünï/cødé ✓": new Tensor([2], [1e-45, 3e38]),
    "0": new Tensor([1], [7]),
    "sub": new Tensor([2], new Float32Array([9, 1, 2, 9]).subarray(1, 3)),
  };
  Object.defineProperty(record, "__proto__", {
    value: new Tensor([1], [42]),
    enumerable: true,
  });
  const metadata = { format: "pt", "": "empty key", 'quote"\n': "line\nbreak \u0001" };
  const bytes = saveSafetensors(record, metadata);
  const back = loadSafetensors(bytes);
  assert.deepEqual(Object.keys(back).sort(), Object.keys(record).sort());
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  for (const [key, t] of Object.entries(record)) {
    assert.deepEqual(back[key].shape, t.shape, key);
    assert.deepEqual([...bitsOf(back[key])], [...bitsOf(t)], key);
  }
  assert.deepEqual(readSafetensorsMetadata(bytes), metadata);
  assert.deepEqual(readSafetensorsMetadata(saveSafetensors(record)), {});
  assert.deepEqual(loadSafetensors(saveSafetensors({})), {});
});

Deno.test("saveSafetensors rejects what it cannot write", () => {
  const t = new Tensor([1], [1]);
  assert.throws(() => saveSafetensors({ __metadata__: t }), /"__metadata__" is reserved/);
  assert.throws(
    () => saveSafetensors({ a: { shape: [2], data: [1, 2] } as unknown as Tensor }),
    /tensor "a" must be a Tensor \(a shape and a Float32Array\)/,
  );
  assert.throws(
    () => saveSafetensors({ a: { shape: [3], data: new Float32Array(2) } as unknown as Tensor }),
    /tensor "a": data length must match shape \[3\]: expected 3, got 2/,
  );
  assert.throws(
    () => saveSafetensors({ a: t }, { n: 1 as unknown as string }),
    /metadata "n" must be a string: got number/,
  );
  assert.throws(() => saveSafetensors({ "\uD800": t }), /lone surrogate/);
  assert.throws(() => saveSafetensors(null as unknown as Record<string, Tensor>), TypeError);
});

// ---------------------------------------------------------------------------
// Reading: dtypes, alignment, order

Deno.test("F16, BF16, F64 and F32 data at unaligned offsets, in a misaligned view", () => {
  const f16 = [0x3c00, 0x8001, 0x7c00, 0xfe01]; // 1, -2^-24, inf, NaN (quieted)
  const bf16 = [0x3f80, 0x0001, 0xff80]; // 1, 2^-133, -inf
  const data: number[] = [];
  for (const h of f16) data.push(h & 0xff, h >> 8);
  for (const h of bf16) data.push(h & 0xff, h >> 8);
  const f64 = new Uint8Array(new Float64Array([1 / 3, 1e39, -1e-50]).buffer);
  data.push(...f64, ...f32(-2.5));
  const header = {
    h: { dtype: "F16", shape: [4], data_offsets: [0, 8] },
    b: { dtype: "BF16", shape: [3], data_offsets: [8, 14] },
    d: { dtype: "F64", shape: [3], data_offsets: [14, 38] },
    s: { dtype: "F32", shape: [], data_offsets: [38, 42] },
  };
  let text = JSON.stringify(header);
  if (text.length % 8 === 0) text += " ";
  const inner = file(text, data);
  const padded = new Uint8Array(inner.length + 1);
  padded.set(inner, 1);
  for (const bytes of [inner, padded.subarray(1)]) {
    const st = loadSafetensors(bytes);
    assert.deepEqual([...bitsOf(st.h)], [0x3f800000, 0xb3800000, 0x7f800000, 0xffc02000]);
    assert.deepEqual([...st.b.data], [1, 2 ** -133, -Infinity]);
    assert.deepEqual([...st.d.data], [Math.fround(1 / 3), Infinity, -0]);
    assert.deepEqual(st.s.shape, []);
    assert.deepEqual([...st.s.data], [-2.5]);
  }
});

Deno.test("offsets may come in any order in the header, and zero-size tensors share offsets", () => {
  const bytes = file(
    {
      b: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
      e2: { dtype: "F32", shape: [0], data_offsets: [4, 4] },
      a: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
      e1: { dtype: "F16", shape: [3, 0], data_offsets: [4, 4] },
    },
    f32(1, 2),
  );
  const st = loadSafetensors(bytes);
  assert.deepEqual(Object.keys(st), ["a", "e2", "e1", "b"]);
  assert.deepEqual([...st.b.data], [2]);
  assert.deepEqual(st.e1.shape, [3, 0]);
});

Deno.test("other dtypes: loadSafetensors names the tensor and dtype; metadata still reads", () => {
  const bytes = file({
    __metadata__: { format: "pt" },
    codes: { dtype: "F8_E4M3", shape: [2], data_offsets: [0, 2] },
  }, new Uint8Array(2));
  assert.throws(
    () => loadSafetensors(bytes),
    /tensor "codes" has dtype F8_E4M3, which cannot be read as float32: expected one of F32, F16, BF16, F64, BOOL, U8, I8, U16, I16, U32, I32, U64, I64$/,
  );
  assert.deepEqual(readSafetensorsMetadata(bytes), { format: "pt" });
  const complex = file(
    { z: { dtype: "C64", shape: [1], data_offsets: [0, 8] } },
    new Uint8Array(8),
  );
  assert.throws(() => loadSafetensors(complex), /tensor "z" has dtype C64/);
});

Deno.test("BOOL reads any nonzero byte as 1, as torch's .float() of a bool does", () => {
  const bools = file({ b: { dtype: "BOOL", shape: [4], data_offsets: [0, 4] } }, [0, 1, 2, 255]);
  assert.deepEqual([...loadSafetensors(bools).b.data], [0, 1, 1, 1]);
});

Deno.test("integer data at unaligned offsets reads as at aligned ones", () => {
  const values = new BigInt64Array([2n ** 60n + 2n ** 36n + 1n, -3n]);
  const raw = new Uint8Array([7, ...new Uint8Array(values.buffer)]);
  const one = file({ x: { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, raw.subarray(1));
  assert.deepEqual([...loadSafetensors(one).x.data], [2 ** 60 + 2 ** 37, -3]);
  const misaligned = new Uint8Array(one.length + 1);
  misaligned.set(one, 1);
  assert.deepEqual([...loadSafetensors(misaligned.subarray(1)).x.data], [2 ** 60 + 2 ** 37, -3]);
});

// ---------------------------------------------------------------------------
// Hostile files: one test each

const ok = { dtype: "F32", shape: [2], data_offsets: [0, 8] };

Deno.test("hostile: file shorter than 8 bytes", () => {
  assertFails(new Uint8Array(5), RangeError, /expected at least 8 bytes, got 5/);
  assertFails(new Uint8Array(0), RangeError, /got 0/);
});

Deno.test("hostile: truncated file", () => {
  const bytes = readFixture("model_f32.safetensors");
  assertFails(bytes.subarray(0, bytes.length - 3), RangeError, /run past the end .*truncated/);
  assertFails(bytes.subarray(0, 20), RangeError, /header length \d+ exceeds the file/);
});

Deno.test("hostile: header length larger than the file", () => {
  assertFails(
    file("{}", [], 100n),
    RangeError,
    /header length 100 exceeds the file: expected at most 2 bytes/,
  );
});

Deno.test("hostile: absurd header length (2^60, 2^64 - 1) allocates nothing", () => {
  assertFails(
    file("{}", [], 2n ** 60n),
    RangeError,
    /header length 1152921504606846976 is larger than the 100000000-byte limit/,
  );
  assertFails(file("{}", [], 2n ** 64n - 1n), RangeError, /larger than the 100000000-byte limit/);
});

Deno.test("hostile: header not valid UTF-8", () => {
  const bytes = file('{"a":1}   ');
  bytes[10] = 0xff;
  assertFails(bytes, Error, /header is not valid UTF-8/);
});

Deno.test("hostile: header not JSON", () => {
  assertFails(
    file('{"a":'),
    Error,
    /not valid JSON: expected a JSON value at character 5, got the end/,
  );
  assertFails(file("{} x"), Error, /expected end of header at character 3, got "x"/);
  assertFails(file(""), Error, /not valid JSON/);
  assertFails(file("\uFEFF{}"), Error, /not valid JSON/);
  assertFails(file("{'a':1}"), Error, /expected a string key/);
  assertFails(file('{"a\u0001":1}'), Error, /raw control character/);
  assertFails(file('{"\\ud800":1}'), Error, /low surrogate/);
});

Deno.test("hostile: header not an object", () => {
  assertFails(file("[]"), TypeError, /header must be a JSON object: got an array/);
  assertFails(file('"x"'), TypeError, /got the string "x"/);
  assertFails(file("null"), TypeError, /got null/);
});

Deno.test("hostile: deep nesting is an error, not a stack overflow", () => {
  assertFails(file(`{"a":${"[".repeat(100_000)}`), RangeError, /nests deeper than 128 levels/);
});

Deno.test("hostile: entry not an object", () => {
  assertFails(file({ a: [1, 2] }), TypeError, /tensor "a": entry must be an object: got an array/);
});

Deno.test("hostile: entry missing fields", () => {
  for (const field of ["dtype", "shape", "data_offsets"]) {
    const entry: Record<string, unknown> = { ...ok };
    delete entry[field];
    assertFails(
      file({ w: entry }, f32(1, 2)),
      TypeError,
      new RegExp(`tensor "w": missing field "${field}"`),
    );
  }
});

Deno.test("hostile: entry fields of the wrong type", () => {
  const data = f32(1, 2);
  assertFails(
    file({ w: { ...ok, dtype: 32 } }, data),
    TypeError,
    /"dtype" must be a string: got the integer 32/,
  );
  assertFails(
    file({ w: { ...ok, shape: "2" } }, data),
    TypeError,
    /"shape" must be an array of non-negative integers: got the string "2"/,
  );
  assertFails(
    file({ w: { ...ok, shape: [true] } }, data),
    RangeError,
    /"shape"\[0\] must be an integer from 0 to 2\^53 - 1: got true/,
  );
  assertFails(
    file({ w: { ...ok, data_offsets: { 0: 0, 1: 8 } } }, data),
    TypeError,
    /"data_offsets" must be an array .*got an object/,
  );
  assertFails(
    file({ w: { ...ok, data_offsets: [0] } }, data),
    TypeError,
    /"data_offsets" must be \[begin, end\]: got an array of length 1/,
  );
  assertFails(
    file({ w: { ...ok, data_offsets: [0, "8"] } }, data),
    RangeError,
    /"data_offsets"\[1\] .*got the string "8"/,
  );
  assertFails(
    file({ w: { ...ok, data_offsets: [0, 8.5] } }, data),
    RangeError,
    /"data_offsets"\[1\] .*got the number 8.5/,
  );
});

Deno.test("hostile: unknown dtype", () => {
  assertFails(
    file({ w: { ...ok, dtype: "float32" } }, f32(1, 2)),
    Error,
    /tensor "w": unknown dtype "float32": expected one of BOOL, .*F32/,
  );
});

Deno.test("hostile: shape with negative, non-integer or huge dims", () => {
  const data = f32(1, 2);
  assertFails(
    file({ w: { ...ok, shape: [-2] } }, data),
    RangeError,
    /"shape"\[0\] must be an integer from 0 to 2\^53 - 1: got -2/,
  );
  assertFails(file({ w: { ...ok, shape: [1.5] } }, data), RangeError, /got the number 1.5/);
  assertFails(
    file('{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}', data),
    RangeError,
    /got the number 2.0/,
  );
  assertFails(
    file('{"w":{"dtype":"F32","shape":[2e0],"data_offsets":[0,8]}}', data),
    RangeError,
    /got the number 2e0/,
  );
  assertFails(
    file('{"w":{"dtype":"F32","shape":[0,1152921504606846976],"data_offsets":[0,0]}}'),
    RangeError,
    /got 1152921504606846976/,
  );
  assertFails(
    file(`{"w":{"dtype":"F32","shape":[${"9".repeat(10000)}],"data_offsets":[0,8]}}`, data),
    RangeError,
    /got the number 9{30}…/,
  );
});

Deno.test("hostile: shape with 2^64 elements or more (checked like the reference's overflow)", () => {
  const dims = Array(200_000).fill(2 ** 52);
  const text = `{"w":{"dtype":"F32","shape":[${dims.join(",")},0],"data_offsets":[0,0]}}`;
  assertFails(
    file(text),
    RangeError,
    /shape \[4503599627370496, .*\(200001 dims\)\] has 2\^64 or more/,
  );
});

Deno.test("hostile: shape whose byte size does not match data_offsets", () => {
  assertFails(
    file({ w: { ...ok, shape: [3] } }, f32(1, 2)),
    RangeError,
    /tensor "w": shape \[3\] of F32 needs 12 bytes, but data_offsets \[0, 8\] span 8/,
  );
  assertFails(
    file({ w: { dtype: "F16", shape: [2 ** 26, 2 ** 26], data_offsets: [0, 8] } }, f32(1, 2)),
    RangeError,
    /needs 9007199254740992 bytes/,
  );
});

Deno.test("hostile: offsets out of range", () => {
  assertFails(
    file({ w: { ...ok, shape: [3], data_offsets: [0, 12] } }, f32(1, 2)),
    RangeError,
    /tensor "w": data_offsets \[0, 12\] run past the end of the data buffer \(file truncated\?\): expected end <= 8, got 12/,
  );
});

Deno.test("hostile: reversed offsets", () => {
  assertFails(
    file({ w: { ...ok, shape: [0], data_offsets: [8, 0] } }, f32(1, 2)),
    RangeError,
    /tensor "w": data_offsets \[8, 0\] are reversed/,
  );
});

Deno.test("hostile: overlapping offsets", () => {
  assertFails(
    file({ a: ok, b: { ...ok, shape: [1], data_offsets: [4, 8] } }, f32(1, 2)),
    RangeError,
    /tensor "b": data_offsets \[4, 8\] overlap the end of tensor "a": expected begin 8, got 4/,
  );
  assertFails(file({ a: ok, b: ok }, f32(1, 2)), RangeError, /overlap the end of tensor "a"/);
});

Deno.test("hostile: offsets leaving gaps (at the start, between, at the end)", () => {
  assertFails(
    file({ w: { ...ok, shape: [1], data_offsets: [4, 8] } }, f32(1, 2)),
    RangeError,
    /tensor "w": data_offsets \[4, 8\] leave a gap after the start of the data buffer: expected begin 0, got 4/,
  );
  assertFails(
    file({
      a: { ...ok, shape: [1], data_offsets: [0, 4] },
      b: { ...ok, shape: [1], data_offsets: [8, 12] },
    }, f32(1, 2, 3)),
    RangeError,
    /tensor "b": .* leave a gap after the end of tensor "a": expected begin 4, got 8/,
  );
  assertFails(
    file({ w: ok }, f32(1, 2, 3)),
    RangeError,
    /the tensors cover 8 bytes of data, but the file has 12 bytes after the header/,
  );
});

Deno.test("hostile: a tensor name used twice in the header", () => {
  const text = `{"w":${JSON.stringify(ok)},"w":${JSON.stringify(ok)}}`;
  assertFails(file(text, f32(1, 2, 3, 4)), Error, /key "w" appears twice in the header/);
  const field = '{"w":{"dtype":"F32","dtype":"F16","shape":[2],"data_offsets":[0,8]}}';
  assertFails(file(field, f32(1, 2)), Error, /key "dtype" appears twice in "w"/);
  const escaped = `{"w":${JSON.stringify(ok)},"\\u0077":${JSON.stringify(ok)}}`;
  assertFails(file(escaped, f32(1, 2, 3, 4)), Error, /key "w" appears twice/);
});

Deno.test("hostile: metadata values not strings, metadata not an object", () => {
  assertFails(
    file({ __metadata__: { format: "pt", version: 2 }, w: ok }, f32(1, 2)),
    TypeError,
    /"__metadata__" value "version" must be a string: got the integer 2/,
  );
  assertFails(
    file({ __metadata__: ["pt"] }),
    TypeError,
    /"__metadata__" must be an object of strings: got an array/,
  );
  assertFails(
    file({ __metadata__: { a: null } }),
    TypeError,
    /value "a" must be a string: got null/,
  );
  // null metadata is no metadata, as in the reference.
  assert.deepEqual(readSafetensorsMetadata(file({ __metadata__: null })), {});
});

Deno.test("hostile: bytes that are not a Uint8Array", () => {
  assert.throws(
    () => loadSafetensors(new ArrayBuffer(16) as unknown as Uint8Array),
    /bytes must be a Uint8Array: got an object \(ArrayBuffer\)/,
  );
});

Deno.test("hostile: 3000 random corruptions of a fixture load or fail with a safetensors error", () => {
  const original = readFixture("special.safetensors");
  let state = 12345;
  const random = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return Math.floor((state / 2 ** 32) * n);
  };
  let failures = 0;
  for (let trial = 0; trial < 3000; trial++) {
    let bytes = original.slice();
    const edits = 1 + random(3);
    for (let e = 0; e < edits; e++) {
      const kind = random(4);
      if (kind === 0) bytes[random(bytes.length)] = random(256);
      else if (kind === 1) bytes[8 + random(Math.min(bytes.length - 8, 400))] = random(128);
      else if (kind === 2) bytes = bytes.subarray(0, random(bytes.length + 1));
      else bytes[random(8)] = random(256);
    }
    try {
      loadSafetensors(bytes);
      readSafetensorsMetadata(bytes);
    } catch (error) {
      failures++;
      assert.ok(error instanceof Error, `trial ${trial}: ${error}`);
      assert.match(error.message, /^safetensors: /, `trial ${trial}`);
    }
  }
  assert.ok(failures > 2000, `only ${failures} corruptions failed`);
});

// ---------------------------------------------------------------------------
// Exact limits of the header checks

Deno.test("limits: 2^64 elements exactly is refused, even beside a zero dim", () => {
  assertFails(
    file({ w: { dtype: "F32", shape: [2 ** 32, 2 ** 32, 0], data_offsets: [0, 0] } }),
    RangeError,
    /^safetensors: tensor "w": shape \[4294967296, 4294967296, 0\] has 2\^64 or more elements$/,
  );
});

Deno.test("limits: 3 elements of F4 (4 bits) are not a whole number of bytes", () => {
  assertFails(
    file({ w: { dtype: "F4", shape: [3], data_offsets: [0, 1] } }, [0]),
    RangeError,
    /^safetensors: tensor "w": 3 elements of F4 are not a whole number of bytes$/,
  );
});

Deno.test("limits: an Object.prototype name is an unknown dtype", () => {
  assertFails(
    file({ w: { ...ok, dtype: "constructor" } }, f32(1, 2)),
    Error,
    /^safetensors: tensor "w": unknown dtype "constructor": expected one of BOOL, /,
  );
});

Deno.test("limits: data_offsets of three numbers are refused", () => {
  assertFails(
    file({ w: { dtype: "U8", shape: [1], data_offsets: [0, 1, 1] } }, [0]),
    TypeError,
    /"data_offsets" must be \[begin, end\]: got an array of length 3$/,
  );
});

Deno.test("limits: a dim of 2^53 is refused, 2^53 - 1 is read", () => {
  assertFails(
    file('{"w":{"dtype":"F32","shape":[0,9007199254740992],"data_offsets":[0,0]}}'),
    RangeError,
    /"shape"\[1\] must be an integer from 0 to 2\^53 - 1: got 9007199254740992$/,
  );
  const largest = file('{"w":{"dtype":"F32","shape":[0,9007199254740991],"data_offsets":[0,0]}}');
  assert.deepEqual(readSafetensorsMetadata(largest), {}); // a Tensor could not hold it
});

Deno.test("limits: data_offsets ending one byte past the buffer are refused", () => {
  assertFails(
    file({ w: { dtype: "U8", shape: [3], data_offsets: [0, 3] } }, [1, 2]),
    RangeError,
    /data_offsets \[0, 3\] run past the end of the data buffer \(file truncated\?\): expected end <= 2, got 3$/,
  );
});

Deno.test("limits: the header nests 128 levels, not 129", () => {
  // The header object is the first level: 127 arrays inside it still parse.
  assertFails(
    file(`{"a":${"[".repeat(127)}${"]".repeat(127)}}`),
    TypeError,
    /tensor "a": entry must be an object: got an array/,
  );
  assertFails(
    file(`{"a":${"[".repeat(128)}${"]".repeat(128)}}`),
    RangeError,
    /^safetensors: header JSON nests deeper than 128 levels at character 132$/,
  );
});

Deno.test("limits: JSON strings refuse raw 0x1F and lone or mismatched surrogate escapes", () => {
  assertFails(file('{"a\u001f":1}'), Error, /expected no raw control character in a string/);
  assertFails(
    file('{"\\ud800\\u0041":1}'),
    Error,
    /expected a low surrogate escape after a high surrogate at character 8/,
  );
  assertFails(
    file('{"\\udc00":1}'),
    Error,
    /expected no lone low surrogate escape at character 2, got "\\\\"/,
  );
});

Deno.test("limits: JSON numbers refuse a leading zero; whitespace may be a tab", () => {
  assertFails(
    file('{"w":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}', f32(1)),
    Error,
    /not valid JSON: expected ',' or ']' at character 30, got "1"/,
  );
  const tabbed = file('{\t"w"\t:\t{"dtype":"F32",\t"shape":[1],"data_offsets":[0,4]\t}\t}', f32(1));
  assert.deepEqual([...loadSafetensors(tabbed).w.data], [1]);
});

Deno.test("limits: a 24-digit integer is read exactly, a 25-digit one is kept as text", () => {
  const dim = (digits: number) =>
    file(`{"w":{"dtype":"F32","shape":[1${"0".repeat(digits - 1)}],"data_offsets":[0,0]}}`);
  assertFails(dim(24), RangeError, /"shape"\[0\] .* got 1(0{23})$/);
  assertFails(dim(25), RangeError, /"shape"\[0\] .* got the number 1(0{24})$/);
});
