// loadNpy against files numpy wrote (tests/fixtures/cli/, from
// tests/fixtures/make_cli_fixtures.py) and against broken or hostile headers.

import assert from "node:assert/strict";
import { loadNpy, tensor } from "../mod.ts";

const CLI = new URL("./fixtures/cli/", import.meta.url);
const read = (name: string) => Deno.readFileSync(new URL(name, CLI));
const json = (name: string) => JSON.parse(Deno.readTextFileSync(new URL(name, CLI)));

/** A version 1.0 .npy file with this header text (padded as numpy pads it) and data bytes. */
function npy(header: string, data: Uint8Array = new Uint8Array(), version = 1): Uint8Array {
  const text = new TextEncoder().encode(header.padEnd(64 - 11) + "\n");
  const prefix = version === 1 ? 10 : 12;
  const bytes = new Uint8Array(prefix + text.length + data.length);
  bytes.set([0x93, ...new TextEncoder().encode("NUMPY"), version, 0]);
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  bytes.set(text, prefix);
  bytes.set(data, prefix + text.length);
  return bytes;
}

const f4 = (shape: string) => `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;

Deno.test("loadNpy reads what numpy.save wrote: float32, float64, float16, format 2.0", () => {
  const expected = tensor(json("input.json"));
  for (const name of ["input.npy", "input_f64.npy", "input_v2.npy"]) {
    const loaded = loadNpy(read(name));
    assert.deepEqual(loaded.shape, expected.shape, name);
    assert.deepEqual(loaded.data, expected.data, name); // float64 of float32 values rounds back
  }
  const half = loadNpy(read("input_f16.npy"));
  assert.deepEqual(half.data, tensor(json("input_f16.json")).data); // numpy's own widening
});

Deno.test("loadNpy reads scalars, empty arrays and old-style shapes", () => {
  const one = new Uint8Array(new Float32Array([2.5]).buffer);
  assert.deepEqual(loadNpy(npy(f4("()"), one)).shape, []);
  assert.deepEqual(loadNpy(npy(f4("(0, 3)"))).shape, [0, 3]);
  assert.deepEqual(loadNpy(npy(f4("(1L,)"), one)).data, new Float32Array([2.5]));
  const big = "{'descr': '=f4', 'fortran_order': False, 'shape': (1,), }";
  assert.deepEqual(loadNpy(npy(big, one, 2)).data, new Float32Array([2.5]));
});

Deno.test("loadNpy refuses what it does not read, saying what to do, before allocating", () => {
  const cases: [Uint8Array, RegExp][] = [
    [new TextEncoder().encode("not npy at all"), /not a \.npy file/],
    [new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 4, 0, 0, 0]), /version 4\.0/],
    [
      npy(f4("(2,)")).subarray(0, 30),
      /header \(58 bytes\) runs past the end of the file \(30 bytes\)/,
    ],
    [npy("{'shape': (2,)}"), /not a dict of 'descr'/],
    [npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }"), /got '<i8'; save x\.astype/],
    [npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }"), /little-endian/],
    [npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }"), /np\.ascontiguousarray/],
    [npy(f4("(2, -1)")), /not a tuple of non-negative integers/],
    [npy(f4("(100000000000,)")), /has 0 bytes, .* needs 400000000000/],
    [npy(f4("(2,)"), new Uint8Array(7)), /has 7 bytes, .* needs 8/],
  ];
  for (const [bytes, pattern] of cases) assert.throws(() => loadNpy(bytes), pattern);
  assert.throws(() => loadNpy("x" as never), /expects the file's bytes as a Uint8Array/);
});

Deno.test("loadNpy refuses version 1.1, trailing bytes, a shape beyond 2^53 and a cut magic", () => {
  const one = new Uint8Array(new Float32Array([2.5]).buffer);
  const minor = npy(f4("(1,)"), one);
  minor[7] = 1;
  assert.throws(
    () => loadNpy(minor),
    /^Error: npy: version 1\.1 is not one this reader knows \(1\.0, 2\.0, 3\.0\)$/,
  );
  assert.throws(
    () => loadNpy(npy(f4("(1,)"), new Uint8Array(5))),
    /^Error: npy: the data has 5 bytes, the header's shape \(1,\) of '<f4' needs 4$/,
  );
  assert.throws(
    () => loadNpy(npy(f4("(99999999999999999999,)"))),
    /^Error: npy: the shape \(99999999999999999999,\) is not a tuple of non-negative integers$/,
  );
  const valid = npy(f4("(1,)"), one);
  for (const length of [6, 8]) {
    assert.throws(
      () => loadNpy(valid.subarray(0, length)),
      /^Error: npy: not a \.npy file \(it does not start with \\x93NUMPY\)$/,
      `${length} bytes`,
    );
  }
});
