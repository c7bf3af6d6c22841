// pt.ts against files torch.save wrote (tests/fixtures/make_pt_fixtures.py),
// and against damaged and hostile archives built here.

import assert from "node:assert/strict";
import { loadPt, loadSafetensors, RNN, RNNModel, type Tensor } from "../mod.ts";
import { assertAllClose, seededRandom, type TensorJson, toTensor } from "./_helpers.ts";

const FIXTURES = new URL("./fixtures/pt/", import.meta.url);
const readFixture = (name: string) => Deno.readFileSync(new URL(name, FIXTURES));
const expected = JSON.parse(new TextDecoder().decode(readFixture("expected.json")));
const bitsOf = (t: Tensor) => [...new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length)];

const FILES = ["model", "dtypes", "views", "checkpoint", "protocol4", "many", "values"];
for (const name of FILES.map((file) => `${file}.pt`)) {
  Deno.test(`loadPt() reads ${name} as torch's .float() of each tensor, bit for bit`, () => {
    const record = loadPt(readFixture(name));
    const want: Record<string, { shape: number[]; bits?: number[]; sum?: number }> = expected[name];
    // In torch's order, but for a key like "7": a JavaScript object puts those first.
    const integerLike = (key: string) => /^(0|[1-9]\d*)$/.test(key);
    assert.deepEqual(
      Object.keys(record),
      [
        ...Object.keys(want).filter(integerLike),
        ...Object.keys(want).filter((k) => !integerLike(k)),
      ],
      "keys",
    );
    for (const [key, { shape, bits, sum }] of Object.entries(want)) {
      assert.deepEqual(record[key].shape, shape, `${key}: shape`);
      if (bits) assert.deepEqual(bitsOf(record[key]), bits, `${key}: float32 bits`);
      else assert.equal(record[key].data.reduce((a, b) => a + b, 0), sum, `${key}: sum`);
    }
  });
}

Deno.test("loadPt() reads unaligned bytes alike, and its tensors never share the caller's bytes", () => {
  const bytes = readFixture("model.pt");
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  const aligned = loadPt(bytes), unaligned = loadPt(shifted.subarray(1));
  for (const [key, tensor] of Object.entries(aligned)) {
    assert.deepEqual(bitsOf(unaligned[key]), bitsOf(tensor), key);
    tensor.data.fill(NaN);
  }
  assert.deepEqual(readFixture("model.pt"), bytes, "the caller's bytes are unchanged");
  assert.deepEqual(
    bitsOf(loadPt(bytes)["rnn.weight_ih_l0"]),
    bitsOf(unaligned["rnn.weight_ih_l0"]),
  );
});

Deno.test("a model.pt state_dict runs as torch's model did, also from inside a checkpoint", () => {
  const { input, output, hN } = expected.rnn as Record<string, TensorJson>;
  const fromModel = RNN.fromStateDict(loadPt(readFixture("model.pt")), { batchFirst: true });
  const checkpoint = loadPt(readFixture("checkpoint.pt"));
  const fromCheckpoint = RNN.fromStateDict(checkpoint, { batchFirst: true }); // finds "model.rnn."
  for (const rnn of [fromModel, fromCheckpoint]) {
    const [y, h] = rnn.forward(toTensor(input));
    assertAllClose(y, output, { atol: 1e-6, label: "output" });
    assertAllClose(h, hN, { atol: 1e-6, label: "h_n" });
  }
  // The head is found beside the RNN: "model.fc." beside "model.rnn.".
  const model = RNNModel.fromStateDict(checkpoint, { batchFirst: true });
  assert.equal(model.head.outFeatures, 2);
  assert.deepEqual(model.head.stateDict().weight.data, checkpoint["model.fc.weight"].data);
});

Deno.test("model.pt holds what the safetensors fixture of the same torch model holds", () => {
  // Both fixtures save torch.manual_seed(0); Model() with the same layers.
  const safetensors = loadSafetensors(
    Deno.readFileSync(new URL("../safetensors/model_f32.safetensors", FIXTURES)),
  );
  const pt = loadPt(readFixture("model.pt"));
  assert.deepEqual(Object.keys(pt).sort(), Object.keys(safetensors).sort());
  for (const key of Object.keys(pt)) {
    assert.deepEqual(bitsOf(pt[key]), bitsOf(safetensors[key]), key);
  }
});

Deno.test("loadPt() refuses a whole saved module and the pre-1.6 format, saying what to save", () => {
  assert.throws(
    () => loadPt(readFixture("module.pt")),
    /^Error: pt: the file refers to __main__\.Model, which this reader does not take \(it takes tensors, dicts, lists and plain values\): if it is the model itself, save model\.state_dict\(\) instead; if it sits beside the weights in a checkpoint, save them alone \(torch\.save\(checkpoint\["model"\], path\)\)$/,
  );
  assert.throws(
    () => loadPt(readFixture("legacy.pt")),
    /before PyTorch 1\.6 \(or with _use_new_zipfile_serialization=False\)/,
  );
  assert.throws(() => loadPt(new Uint8Array([1, 2, 3])), /pt: not a file torch\.save wrote/);
  assert.throws(() => loadPt("model.pt" as never), /expects the file's bytes as a Uint8Array/);
});

Deno.test("every truncation of a .pt file is an error naming the problem", () => {
  const bytes = readFixture("model.pt");
  for (let length = 0; length < bytes.length; length += 7) {
    assert.throws(() => loadPt(bytes.slice(0, length)), /^Error: pt: /, `cut at ${length}`);
  }
});

Deno.test("seeded corruptions of a .pt file load or fail with a pt: error, never otherwise", () => {
  const bytes = readFixture("model.pt");
  const random = seededRandom(7);
  for (let i = 0; i < 20000; i++) {
    const damaged = bytes.slice();
    for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--) {
      damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
    }
    try {
      loadPt(damaged);
    } catch (error) {
      assert.match(String(error), /^Error: pt: /, `corruption ${i}: ${error}`);
    }
  }
});

// ---------------------------------------------------------------------------
// Hostile archives, built here: a stored zip of data.pkl and storages.

/**
 * A zip archive of stored entries, as torch.save lays it out (without its
 * padding); with `zip64`, every size and offset is in the 64-bit records and
 * extra fields, as for an archive over 4 GiB.
 */
function zip(entries: Record<string, Uint8Array>, method = 0, zip64 = false): Uint8Array {
  const parts: Uint8Array[] = [], directory: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const nameBytes = new TextEncoder().encode(name);
    const local = new Uint8Array(30 + nameBytes.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(8, method, true);
    l.setUint32(18, data.length, true);
    l.setUint32(22, data.length, true);
    l.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    const central = new Uint8Array(46 + nameBytes.length + (zip64 ? 28 : 0));
    const c = new DataView(central.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(10, method, true);
    c.setUint32(20, zip64 ? 0xffffffff : data.length, true);
    c.setUint32(24, zip64 ? 0xffffffff : data.length, true);
    c.setUint16(28, nameBytes.length, true);
    c.setUint32(42, zip64 ? 0xffffffff : offset, true);
    central.set(nameBytes, 46);
    if (zip64) {
      const extra = 46 + nameBytes.length;
      c.setUint16(30, 28, true);
      c.setUint16(extra, 0x0001, true);
      c.setUint16(extra + 2, 24, true);
      c.setBigUint64(extra + 4, BigInt(data.length), true);
      c.setBigUint64(extra + 12, BigInt(data.length), true);
      c.setBigUint64(extra + 20, BigInt(offset), true);
    }
    parts.push(local, data);
    directory.push(central);
    offset += local.length + data.length;
  }
  const directorySize = directory.reduce((sum, d) => sum + d.length, 0);
  // The zip64 end record (56 bytes) and its locator (20), then the classic end record.
  const end = new Uint8Array((zip64 ? 76 : 0) + 22);
  const e = new DataView(end.buffer);
  if (zip64) {
    e.setUint32(0, 0x06064b50, true);
    e.setBigUint64(32, BigInt(directory.length), true);
    e.setBigUint64(40, BigInt(directorySize), true);
    e.setBigUint64(48, BigInt(offset), true);
    e.setUint32(56, 0x07064b50, true);
    e.setBigUint64(64, BigInt(offset + directorySize), true);
  }
  const classic = zip64 ? 76 : 0;
  e.setUint32(classic, 0x06054b50, true);
  e.setUint16(classic + 8, zip64 ? 0xffff : directory.length, true);
  e.setUint16(classic + 10, zip64 ? 0xffff : directory.length, true);
  e.setUint32(classic + 12, zip64 ? 0xffffffff : directorySize, true);
  e.setUint32(classic + 16, zip64 ? 0xffffffff : offset, true);
  const out = new Uint8Array(offset + directorySize + end.length);
  let at = 0;
  for (const part of [...parts, ...directory, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const ascii = (text: string) => [...new TextEncoder().encode(text)];
const unicode = (text: string) => {
  const bytes = ascii(text);
  return [0x58, bytes.length, 0, 0, 0, ...bytes]; // BINUNICODE
};
const global = (module: string, name: string) => [0x63, ...ascii(`${module}\n${name}\n`)];
// BININT, or LONG1 beyond 32 bits.
const int = (value: number) =>
  value === (value | 0)
    ? [0x4a, ...new Uint8Array(new Int32Array([value]).buffer)]
    : [0x8a, 8, ...new Uint8Array(new BigInt64Array([BigInt(value)]).buffer)];

/**
 * data.pkl of {"w": tensor(storage "0" of `numel` elements of `storageClass`,
 * offset, size, stride)}, with `more` after the six arguments (torch 2's metadata).
 */
function tensorPickle(
  numel: number,
  offset: number | number[],
  size: number[],
  stride: number[],
  { more = [] as number[], storageClass = "FloatStorage" } = {},
): number[] {
  // deno-fmt-ignore
  return [
    0x80, 2, 0x7d, // PROTO 2, EMPTY_DICT
    ...unicode("w"),
    ...global("torch._utils", "_rebuild_tensor_v2"),
    0x28, // MARK: the arguments
    0x28, ...unicode("storage"), ...global("torch", storageClass), ...unicode("0"),
    ...unicode("cpu"), ...int(numel), 0x74, 0x51, // TUPLE, BINPERSID
    ...(typeof offset === "number" ? int(offset) : offset),
    0x28, ...size.flatMap(int), 0x74, // the size tuple
    0x28, ...stride.flatMap(int), 0x74, // the stride tuple
    0x89, 0x29, ...more, 0x74, 0x52, // NEWFALSE, EMPTY_TUPLE (hooks), …, TUPLE, REDUCE
    0x73, 0x2e, // SETITEM, STOP
  ];
}

const archive = (
  pickle: number[],
  storage = new Float32Array([1, 2, 3, 4, 5, 6]),
  zip64 = false,
) =>
  zip(
    {
      "m/data.pkl": new Uint8Array(pickle),
      "m/data/0": new Uint8Array(storage.buffer),
    },
    0,
    zip64,
  );

Deno.test("numpy scalars and arrays beside the tensors are left out, from numpy 1 or numpy 2", () => {
  // numpy 2 pickles them from numpy._core (values.pt, made here with numpy 1, has numpy.core).
  for (const module of ["numpy.core.multiarray", "numpy._core.multiarray"]) {
    // deno-fmt-ignore
    const pickle = [
      ...tensorPickle(6, 0, [6], [1]).slice(0, -1), // {"w": tensor … SETITEM, without STOP
      ...unicode("best_acc"), ...global(module, "scalar"), 0x29, 0x52, 0x73, // REDUCE, SETITEM
      ...unicode("mean"), ...global(module, "_reconstruct"), 0x29, 0x52, 0x73, 0x2e,
    ];
    assert.deepEqual(Object.keys(loadPt(archive(pickle))), ["w"], module);
  }
});

Deno.test("a hand-built archive reads, views included, as the same tensor from torch would", () => {
  for (const zip64 of [false, true]) {
    const record = loadPt(archive(tensorPickle(6, 1, [2, 2], [1, 2]), undefined, zip64));
    assert.deepEqual(record.w.shape, [2, 2], `zip64 ${zip64}`);
    assert.deepEqual([...record.w.data], [2, 4, 3, 5], `zip64 ${zip64}`);
  }
  // Without its locator, a zip64 archive's directory cannot be found.
  const broken = archive(tensorPickle(6, 0, [6], [1]), undefined, true);
  broken.fill(0, broken.length - 42, broken.length - 38);
  assert.throws(() => loadPt(broken), /pt: the zip64 locator is missing/);
});

Deno.test("hand-built archives: torch 2's metadata and wrappers, bools, empty views, the limit", () => {
  const neg = [0x7d, ...unicode("neg"), 0x88, 0x73]; // {"neg": True}
  assert.deepEqual([...loadPt(archive(tensorPickle(6, 0, [2], [1], { more: neg }))).w.data], [
    -1,
    -2,
  ]);
  const conj = [0x7d, ...unicode("conj"), 0x88, 0x73];
  assert.throws(() => loadPt(archive(tensorPickle(6, 0, [2], [1], { more: conj }))), /conjugated/);
  // torch 2's Parameter with attributes: _rebuild_from_type_v2(_rebuild_tensor_v2, Parameter, args, {}).
  const plain = tensorPickle(6, 1, [2], [2]);
  const rebuild = plain.indexOf(0x63), args = plain.indexOf(0x28, rebuild), end = plain.length - 3;
  // deno-fmt-ignore
  const wrapped = [
    0x80, 2, 0x7d, ...unicode("w"), ...global("torch._tensor", "_rebuild_from_type_v2"),
    0x28, ...plain.slice(rebuild, args), ...global("torch.nn.parameter", "Parameter"),
    ...plain.slice(args, end), 0x7d, 0x74, 0x52, 0x73, 0x2e,
  ];
  assert.deepEqual([...loadPt(archive(wrapped)).w.data], [2, 4]);
  const boolArchive = zip({
    "m/data.pkl": new Uint8Array(tensorPickle(4, 0, [4], [1], { storageClass: "BoolStorage" })),
    "m/data/0": new Uint8Array([0, 1, 2, 255]),
  });
  assert.deepEqual([...loadPt(boolArchive).w.data], [0, 1, 1, 1]);
  // An empty view may start past its storage's end.
  assert.deepEqual(loadPt(archive(tensorPickle(6, 9, [0], [1]))).w.shape, [0]);
  // A file may make 4 elements (and key characters) per byte: here 6 of the
  // storage, 1 for the dict and 1 for the key "w", and the view's.
  const size = archive(tensorPickle(6, 0, [1], [0])).length;
  assert.equal(
    loadPt(archive(tensorPickle(6, 0, [4 * size - 8], [0]))).w.data.length,
    4 * size - 8,
  );
  assert.throws(() => loadPt(archive(tensorPickle(6, 0, [4 * size - 7], [0]))), /more than 4/);
  const bigEndian = zip({
    "m/data.pkl": new Uint8Array(tensorPickle(6, 0, [6], [1])),
    "m/byteorder": new TextEncoder().encode("big"),
  });
  assert.throws(() => loadPt(bigEndian), /the storages are big-endian/);
  const script = zip({
    "j/data.pkl": new Uint8Array(tensorPickle(6, 0, [6], [1])),
    "j/code/__torch__.py": new Uint8Array(4),
  }, 8);
  assert.throws(() => loadPt(script), /this is a TorchScript archive \(torch\.jit\.save\)/);
});

Deno.test("hostile archives: each is an error naming what is wrong, allocating nothing large", () => {
  const cases: [Uint8Array, RegExp][] = [
    [
      zip({ "m/data.pkl": new Uint8Array(tensorPickle(6, 0, [6], [1])) }, 8),
      /pt: zip entry "m\/data\.pkl" is compressed \(method 8\); torch\.save stores entries uncompressed/,
    ],
    [
      zip({ "m/other": new Uint8Array(1) }),
      /expected one "<name>\/data\.pkl" in the archive: got 0/,
    ],
    [
      zip({ "x.npy": new Uint8Array(1), "y.npy": new Uint8Array(1) }),
      /pt: this is a zip archive of \.npy arrays \(numpy\.savez's \.npz\), not torch\.save's/,
    ],
    [
      zip({ "m/data.pkl": new Uint8Array(tensorPickle(6, 0, [6], [1])) }),
      /pt: storage "0" is not in the archive/,
    ],
    [archive(tensorPickle(7, 0, [7], [1])), /storage "0" holds 24 bytes, less than its 7 elements/],
    [archive(tensorPickle(6, 4, [3], [1])), /reads element 6 of storage "0", which holds 6/],
    [archive(tensorPickle(6, 0, [2], [-1])), /has offset 0, size \[2\] and stride \[-1\]/],
    [archive(tensorPickle(6, [0x8a, 1, 0xff], [2], [1])), /has offset -1, size \[2\]/], // LONG1 -1
    // Refused before the Tensor's own check: beside a zero axis, any size would do.
    [archive(tensorPickle(6, 0, [0, 2 ** 40], [1, 1])), /size \[0,1099511627776\] and stride/],
    [
      archive([0x80, 4, ...unicode("os"), ...unicode("system"), 0x93, 0x2e]), // STACK_GLOBAL
      /the file refers to os\.system, which this reader does not take/,
    ],
    [
      archive([0x80, 2, ...global("torch._utils", "_rebuild_qtensor"), 0x2e]),
      /a tensor that cannot be read as float32 \(torch\._utils\._rebuild_qtensor/,
    ],
    // The dtype of a quantized tensor (torch.quantization.quantize_dynamic's packed Linear).
    [
      archive([0x80, 2, ...global("torch", "qint8"), 0x2e]),
      /a tensor that cannot be read as float32 \(torch\.qint8: a complex, quantized/,
    ],
    [
      archive([0x80, 2, ...global("torch", "cfloat"), 0x2e]),
      /a tensor that cannot be read as float32 \(torch\.cfloat: a complex/,
    ],
    [archive([0x80, 2, 0x4b, 1, 0x2e]), /the file holds 1, not a tensor, dict or list/],
    // Stride 0 over a tiny storage would make 2^30 elements from a file of a few hundred bytes.
    [
      archive(tensorPickle(6, 0, [2 ** 30], [0])),
      /more than 4 elements or key characters per byte of its \d+: views that repeat a storage/,
    ],
    [
      archive([0x80, 2, ...global("os", "system"), ...unicode("echo hi"), 0x85, 0x52, 0x2e]),
      /pt: the file refers to os\.system, which this reader does not take/,
    ],
    [archive([0x80, 2, 0x7d, 0xff]), /pickle opcode 0xff at byte 3/],
    [archive([0x80, 2, 0x73, 0x2e]), /data\.pkl is damaged \(a value is missing at byte 2\)/],
    [archive([0x80, 2, 0x68, 9, 0x2e]), /memo 9 is empty/],
    [archive([0x80, 2, 0x29, 0x29, 0x2e]), /it stops early/],
    [archive([0x80, 2, 0x29]), /data\.pkl ends in the middle of a value/],
    // A list nested 100 deep.
    [archive([0x80, 2, ...Array(100).fill(0x5d), ...Array(99).fill(0x61), 0x2e]), /nest more/],
  ];
  for (const [bytes, error] of cases) assert.throws(() => loadPt(bytes), error);
  // A list that holds itself is walked once.
  const cycle = [0x80, 2, 0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e]; // [], memo, get, APPEND
  assert.deepEqual(loadPt(archive(cycle)), {});
});
