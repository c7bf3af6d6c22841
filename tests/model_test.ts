// Linear, RNNModel and RNN.fromStateDict against real PyTorch, including a
// trained-model handoff through a safetensors file.

import assert from "node:assert/strict";
import { Linear, loadSafetensors, RNN, RNNModel, type RNNOptions, Tensor } from "../mod.ts";
import { assertAllClose, type TensorJson, toTensor } from "./_helpers.ts";

const MODEL_DIR = new URL("./fixtures/model/", import.meta.url);
const read = (name: string) =>
  JSON.parse(Deno.readTextFileSync(new URL(`${name}.json`, MODEL_DIR)));
const records = (stateDict: Record<string, TensorJson>) =>
  Object.fromEntries(Object.entries(stateDict).map(([k, v]) => [k, toTensor(v)]));

for (const name of ["linear-3d", "linear-no-bias", "linear-wide", "linear-1d"]) {
  Deno.test(`Linear.forward() matches torch.nn.Linear for ${name}`, () => {
    const fixture = read(name);
    for (const simd of ["relaxed", "strict"] as const) {
      const linear = new Linear({ ...fixture.options, simd });
      linear.loadStateDict(records(fixture.stateDict));
      assertAllClose(linear.forward(toTensor(fixture.input)), fixture.output, {
        rtol: 1e-5,
        label: simd,
      });
      assert.equal(`${linear}`, fixture.repr);
    }
  });
}

for (
  const name of [
    "model-lecture",
    "model-bidir-2-layers",
    "model-relu-h0-seq-first",
    "model-unbatched-no-head-bias",
  ]
) {
  Deno.test(`RNNModel.forward() matches a torch Model(rnn, fc) for ${name}`, () => {
    const fixture = read(name);
    const built = new RNNModel(fixture.options);
    built.loadStateDict(records(fixture.stateDict));
    // The same model with its sizes read from the state_dict (an extra key is ignored).
    const { nonlinearity, batchFirst } = fixture.options.rnn;
    const found = RNNModel.fromStateDict(
      { ...records(fixture.stateDict), "embedding.weight": Tensor.zeros([3, 2]) },
      { nonlinearity, batchFirst },
    );
    for (const [label, model] of [["loadStateDict", built], ["fromStateDict", found]] as const) {
      const [y, hN] = model.forward(
        toTensor(fixture.input),
        fixture.h0 ? toTensor(fixture.h0) : undefined,
      );
      assertAllClose(y, fixture.output, { rtol: 1e-5, label: `${label} y` });
      assertAllClose(hN, fixture.hN, { rtol: 1e-5, label: `${label} hN` });
      assert.deepEqual(Object.keys(model.stateDict()), Object.keys(fixture.stateDict));
      assert.equal(`${model}`, fixture.repr);
    }
  });
}

Deno.test("String(rnn) is what print(nn.RNN(...)) shows, dropout as Python writes a float", () => {
  const cases: { options: RNNOptions; repr: string }[] = read("reprs");
  assert.ok(cases.length >= 6);
  for (const { options, repr } of cases) assert.equal(String(new RNN(options)), repr);
});

Deno.test("RNNModel.fromStateDict() takes custom prefixes and names a missing or bad head", () => {
  const fixture = read("model-bidir-2-layers");
  const renamed = Object.fromEntries(
    Object.entries(records(fixture.stateDict)).map(([k, v]) => [k.replace(/^fc\./, "out."), v]),
  );
  const model = RNNModel.fromStateDict(renamed, { prefixes: { head: "out." } });
  assert.equal(model.head.outFeatures, fixture.options.head.outFeatures);
  // By default the head is "fc." beside the RNN, wherever the RNN sits.
  const nested = Object.fromEntries(
    Object.entries(records(fixture.stateDict)).map(([k, v]) => [`a.b.${k}`, v]),
  );
  assert.equal(RNNModel.fromStateDict(nested).head.outFeatures, fixture.options.head.outFeatures);
  const flat = Object.fromEntries(
    Object.entries(records(fixture.stateDict)).map(([k, v]) => [k.replace(/^rnn\./, "rnn_"), v]),
  );
  assert.equal(RNNModel.fromStateDict(flat).head.outFeatures, fixture.options.head.outFeatures);
  // A given head prefix may be relative to the RNN's module, as the default is.
  const relative = RNNModel.fromStateDict(nested, { prefixes: { head: "fc." } });
  assert.deepEqual(relative.head.stateDict(), RNNModel.fromStateDict(nested).head.stateDict());
  // A missing head names the layers that could be one (a 2-D weight of D·H columns).
  assert.throws(
    () => RNNModel.fromStateDict(renamed),
    /^Error: fromStateDict: no "fc.weight" in the record for the head; prefixes that hold a 10-column weight: "out." \(name one as the head's prefix\)$/,
  );
  const { "out.weight": _w, "out.bias": _b, ...headless } = renamed;
  assert.throws(() => RNNModel.fromStateDict(headless), /for the head$/);
  assert.throws(
    () => RNNModel.fromStateDict(renamed, { prefixes: { head: "out" } }),
    /no "outweight" in the record for the head \(the prefix "out." has one\)/,
  );
  assert.throws(
    () => RNNModel.fromStateDict(renamed, { prefix: "rnn." } as never),
    /takes prefixes: \{ rnn, head \}, not prefix/,
  );
  const wrong = { ...renamed, "out.weight": Tensor.zeros([2, 3]) };
  assert.throws(
    () => RNNModel.fromStateDict(wrong, { prefixes: { head: "out." } }),
    /size mismatch for out.weight/,
  );
  // torch builds nn.Linear(H, 0); here outFeatures ≥ 1, and the message names the weight.
  const empty = { ...renamed, "out.weight": Tensor.zeros([0, 10]), "out.bias": Tensor.zeros([0]) };
  assert.throws(
    () => RNNModel.fromStateDict(empty, { prefixes: { head: "out." } }),
    /^RangeError: fromStateDict: the head's "out.weight" has 0 rows: the head needs outFeatures ≥ 1$/,
  );
});

Deno.test("RNNModel.loadStateDict() takes custom prefixes and is all-or-nothing", () => {
  const fixture = read("model-bidir-2-layers");
  const model = new RNNModel(fixture.options);
  const before = model.stateDict();
  const renamed = Object.fromEntries(
    Object.entries(records(fixture.stateDict)).map(([k, v]) => [
      k.replace(/^rnn\./, "encoder.").replace(/^fc\./, "decoder."),
      v,
    ]),
  );
  assert.throws(() => model.loadStateDict(renamed), /missing key\(s\): "rnn.weight_ih_l0"/);
  const { "decoder.bias": _, ...noHeadBias } = renamed;
  assert.throws(
    () => model.loadStateDict(noHeadBias, { prefixes: { rnn: "encoder.", head: "decoder." } }),
    /Error\(s\) in loading state_dict for Linear: missing key\(s\): "decoder.bias"/,
  );
  assert.deepEqual(model.stateDict(), before, "a failed load changes nothing");
  model.loadStateDict(renamed, { prefixes: { rnn: "encoder.", head: "decoder." } });
  // One prefix may be a prefix of the other, even "": each key goes to the longer match.
  model.loadStateDict(model.stateDict({ rnn: "" }), { prefixes: { rnn: "" } });
  assert.deepEqual(model.stateDict({ rnn: "encoder.", head: "decoder." }), renamed);
});

Deno.test("Linear rejects bad options and inputs with clear errors", () => {
  assert.throws(
    () => new Linear({ inFeatures: 0, outFeatures: 2 }),
    /inFeatures must be a positive integer: got 0/,
  );
  assert.throws(
    () => new Linear({ inFeatures: 2, outFeatures: 1.5 }),
    /outFeatures must be a positive integer: got 1.5/,
  );
  const linear = new Linear({ inFeatures: 3, outFeatures: 2 });
  assert.throws(
    () => linear.forward(Tensor.zeros([4, 2])),
    /input.size\(-1\) must be equal to inFeatures: expected 3, got 2/,
  );
  assert.throws(() => linear.forward(new Tensor([], [1])), /expected 3, got a 0-D tensor/);
  assert.deepEqual(linear.forward(Tensor.zeros([0, 3])).shape, [0, 2]);
  assert.throws(
    () => linear.loadStateDict({ weight: Tensor.zeros([3, 2]), bias: Tensor.zeros([2]) }),
    /size mismatch for weight: copying a param with shape \[3,2\] from checkpoint, the shape in current model is \[2,3\]/,
  );
  // simd is checked as RNN checks it (it reached the engine as "not a buffer source").
  assert.throws(
    () => new Linear({ inFeatures: 2, outFeatures: 1, simd: "avx" as never }),
    /^RangeError: simd must be "relaxed" or "strict": got "avx"$/,
  );
  assert.equal(new Linear({ inFeatures: 2, outFeatures: 1, simd: "strict" }).simd, "strict");
  const model = new RNNModel({
    rnn: { inputSize: 1, hiddenSize: 2, simd: "strict" },
    head: { outFeatures: 1 },
  });
  assert.equal(model.head.simd, "strict", "the head uses the RNN's build");
});

Deno.test("only a given, non-empty head prefix is also looked for beside the RNN", () => {
  const sd = new RNNModel({ rnn: { inputSize: 1, hiddenSize: 2 }, head: { outFeatures: 1 } })
    .stateDict({ rnn: "model.rnn.", head: "model.model.fc." });
  // The default, "model.fc.", is not looked for again as "model.model.fc.".
  assert.throws(() => RNNModel.fromStateDict(sd), /no "model\.fc\.weight" in the record/);
  assert.equal(RNNModel.fromStateDict(sd, { prefixes: { head: "model.fc." } }).head.outFeatures, 1);
  // "" names the top level only, not the RNN's parent module.
  const parent = { ...sd, "model.weight": Tensor.zeros([1, 2]) };
  assert.throws(
    () => RNNModel.fromStateDict(parent, { prefixes: { head: "" } }),
    /no "weight" in the record/,
  );
});

Deno.test("fromStateDict refuses prefixes that are not strings, or a head at the RNN's prefix", () => {
  const sd = new RNNModel({ rnn: { inputSize: 1, hiddenSize: 2 }, head: { outFeatures: 1 } })
    .stateDict();
  assert.throws(
    () => RNN.fromStateDict(sd, { prefix: null as never }),
    /^TypeError: fromStateDict: options.prefix must be a string: got null$/,
  );
  assert.throws(
    () => RNNModel.fromStateDict(sd, { prefixes: { rnn: 5 as never } }),
    /^TypeError: fromStateDict: options.prefixes.rnn must be a string: got 5$/,
  );
  assert.throws(
    () => RNNModel.fromStateDict(sd, { prefixes: { head: 5 as never } }),
    /^TypeError: fromStateDict: options.prefixes.head must be a string: got 5$/,
  );
  assert.throws(
    () => RNNModel.fromStateDict(sd, { prefixes: { rnn: "rnn.", head: "rnn." } }),
    /^RangeError: fromStateDict: the head's prefix is the RNN's, "rnn.": they must differ$/,
  );
  assert.throws(
    () => new RNN({ inputSize: 1, hiddenSize: 2 }).loadStateDict(sd, 5 as never),
    /^TypeError: loadStateDict: prefix must be a string: got 5$/,
  );
});

Deno.test("RNN.fromStateDict() infers sizes, layers, bias and direction from names and shapes", () => {
  for (
    const options of [
      { inputSize: 3, hiddenSize: 4 },
      { inputSize: 1, hiddenSize: 2, numLayers: 3, bias: false },
      { inputSize: 5, hiddenSize: 6, numLayers: 2, bidirectional: true },
    ]
  ) {
    const source = new RNN(options);
    const rebuilt = RNN.fromStateDict(source.stateDict(), { nonlinearity: "relu" });
    assert.deepEqual(
      [
        rebuilt.inputSize,
        rebuilt.hiddenSize,
        rebuilt.numLayers,
        rebuilt.bias,
        rebuilt.bidirectional,
      ],
      [
        options.inputSize,
        options.hiddenSize,
        options.numLayers ?? 1,
        options.bias ?? true,
        options.bidirectional ?? false,
      ],
    );
    assert.equal(rebuilt.nonlinearity, "relu");
    assert.deepEqual(rebuilt.stateDict(), source.stateDict());
  }
  assert.throws(
    () => RNN.fromStateDict({}),
    /expected exactly one key ending in "weight_ih_l0", got 0 \(none\)/,
  );
  // Keys that are not RNN parameters are ignored, with or without a prefix.
  const withHead = {
    ...new RNN({ inputSize: 2, hiddenSize: 3 }).stateDict(),
    "fc.weight": Tensor.zeros([1, 3]),
  };
  assert.equal(RNN.fromStateDict(withHead).hiddenSize, 3);
  const two = { "a.weight_ih_l0": Tensor.zeros([2, 1]), "b.weight_ih_l0": Tensor.zeros([2, 1]) };
  assert.throws(
    () => RNN.fromStateDict(two),
    /got 2 \("a.weight_ih_l0", "b.weight_ih_l0"\); give the RNN's prefix as options.prefix$/,
  );
  assert.throws(
    () => RNNModel.fromStateDict(two),
    /got 2 \("a.weight_ih_l0", "b.weight_ih_l0"\); give the RNN's prefix as options.prefixes.rnn$/,
  );
  // nn.LSTM and nn.GRU use nn.RNN's names, with 4·H and 3·H rows: say so, not "size mismatch".
  const gated = (gates: number, extra: Record<string, Tensor> = {}) => ({
    "lstm.weight_ih_l0": Tensor.zeros([gates * 5, 3]),
    "lstm.weight_hh_l0": Tensor.zeros([gates * 5, extra["lstm.weight_hr_l0"] ? 2 : 5]),
    "lstm.bias_ih_l0": Tensor.zeros([gates * 5]),
    "lstm.bias_hh_l0": Tensor.zeros([gates * 5]),
    ...extra,
  });
  assert.throws(
    () => RNN.fromStateDict(gated(4)),
    /^Error: fromStateDict: "lstm.weight_hh_l0" must be square \(H, H\), as nn.RNN's is: got \[20, 5\], like an nn.LSTM's \(4·H rows: input, forget, cell and output gates\); only nn.RNN is supported$/,
  );
  assert.throws(
    () => RNNModel.fromStateDict(gated(3)),
    /got \[15, 5\], like an nn.GRU's \(3·H rows/,
  );
  assert.throws(
    () => RNN.fromStateDict(gated(4, { "lstm.weight_hr_l0": Tensor.zeros([2, 5]) })),
    /got \[20, 2\], like an nn.LSTM's/,
  );
  assert.throws(
    () => RNN.fromStateDict(gated(2)),
    /must be square \(H, H\), as nn.RNN's is: got \[10, 5\]$/,
  );
  // A prefix that names no RNN says where the RNN's weights are.
  assert.throws(
    () => RNN.fromStateDict(two, { prefix: "c." }),
    /no "c.weight_ih_l0" in the record; RNN weights are under the prefix "a.", "b."/,
  );
});

Deno.test("a torch model saved as safetensors (F32, F16, BF16, F64) loads with one call and runs", () => {
  const expected = JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/safetensors/expected.json", import.meta.url)),
  );
  const { options, prefix, input, output, hN } = expected.rnn;
  for (const dtype of ["f32", "f16", "bf16", "f64"]) {
    const file = new URL(`./fixtures/safetensors/model_${dtype}.safetensors`, import.meta.url);
    const record = loadSafetensors(Deno.readFileSync(file));
    const rnn = RNN.fromStateDict(record, { batchFirst: options.batchFirst });
    assert.deepEqual(
      [rnn.inputSize, rnn.hiddenSize, rnn.numLayers, rnn.bidirectional],
      [options.inputSize, options.hiddenSize, options.numLayers, options.bidirectional],
    );
    const explicit = RNN.fromStateDict(record, { batchFirst: options.batchFirst, prefix });
    assert.deepEqual(explicit.stateDict(), rnn.stateDict());
    if (dtype === "f32" || dtype === "f64") {
      // torch's reference output was computed with the float32 weights; F64 files hold the same values.
      const [y, h] = rnn.forward(toTensor(input));
      assertAllClose(y, output, { label: `${dtype} output` });
      assertAllClose(h, hN, { label: `${dtype} hN` });
    }
  }
});

Deno.test("loadStateDict under a prefix ignores other modules' keys but not a stray key under it", () => {
  const fixture = read("model-bidir-2-layers");
  const whole = { ...records(fixture.stateDict), "emb.weight": Tensor.zeros([7, 3]) };
  // An RNN loads its part of a larger model's state_dict, as torch's submodule would.
  const rnn = new RNN(fixture.options.rnn);
  rnn.loadStateDict(whole, "rnn.");
  assert.deepEqual(
    rnn.stateDict(),
    RNN.fromStateDict(whole, { prefix: "rnn." }).stateDict(),
  );
  const model = new RNNModel(fixture.options);
  model.loadStateDict(whole);
  assert.deepEqual(model.stateDict(), RNNModel.fromStateDict(whole).stateDict());
  // Under the prefix it stays strict, and a failed load changes nothing.
  const before = model.stateDict();
  const stray = { ...whole, "rnn.weight_ih_l9": Tensor.zeros([1, 1]) };
  assert.throws(() => rnn.loadStateDict(stray, "rnn."), /unexpected key\(s\): "rnn.weight_ih_l9"/);
  assert.throws(() => model.loadStateDict(stray), /unexpected key\(s\): "rnn.weight_ih_l9"/);
  assert.deepEqual(model.stateDict(), before);
  // Without a prefix the whole record is the RNN's, as in torch.
  assert.throws(() => rnn.loadStateDict(whole), /unexpected key\(s\): "rnn.weight_ih_l0"/);
});
