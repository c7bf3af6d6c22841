// Edges a mutation-testing pass found unpinned: options reaching the kernels,
// parameter copies and atomic loads, prefixes, ranks in shape checks and the
// exact boundaries of the size guards.

import assert from "node:assert/strict";
import { RELAXED_SIMD_SUPPORTED } from "../_kernels.ts";
import { Generator, Linear, manualSeed, RNN, RNNModel, type RNNOptions, Tensor } from "../mod.ts";
import { findRNN, parameterCount } from "../rnn.ts";
import { randomTensor, seededRandom } from "./_helpers.ts";

const base: RNNOptions = { inputSize: 3, hiddenSize: 4 };

// Whether the engine fuses relaxed_madd, seen through RNN (not Linear, which a test below checks).
function maddFuses(): boolean {
  if (!RELAXED_SIMD_SUPPORTED) return false;
  const x = randomTensor(seededRandom(9), [8, 4, 64]);
  const outputs = (["strict", "relaxed"] as const).map((simd) => {
    const rnn = new RNN({ inputSize: 64, hiddenSize: 64, simd, generator: new Generator(9) });
    return bitsOf(rnn.forward(x)[0]);
  });
  return outputs[0].some((bits, i) => bits !== outputs[1][i]);
}
const bitsOf = (t: Tensor) => [...new Uint32Array(t.data.buffer, t.data.byteOffset, t.size)];
const snapshot = (record: Record<string, Tensor>) =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, [[...v.shape], [...v.data]]]));

Deno.test("RNNModel.forward() passes lengths to its RNN: hN and y as the parts give them", () => {
  const model = new RNNModel({ rnn: { ...base, bidirectional: true }, head: { outFeatures: 2 } });
  const x = randomTensor(seededRandom(1), [5, 3, 3]);
  const lengths = [5, 2, 3];
  const [y, hN] = model.forward(x, undefined, { lengths });
  const [output, expectedHN] = model.rnn.forward(x, undefined, { lengths });
  assert.deepEqual(bitsOf(hN), bitsOf(expectedHN));
  assert.deepEqual(bitsOf(y), bitsOf(model.head.forward(output)));
  // Without lengths the padding would run: the results differ.
  assert.notDeepEqual(bitsOf(model.forward(x)[1]), bitsOf(hN));
});

Deno.test("forward() gives an unbatched input 2-D results after a batched call of the same numbers", () => {
  const rnn = new RNN(base);
  // [2, 1, 3] batched and [2, 3] unbatched have seqLen 2 and batch 1 alike.
  const batched = Tensor.zeros([2, 1, 3]), unbatched = Tensor.zeros([2, 3]);
  for (const order of [[batched, unbatched, batched], [unbatched, batched, unbatched]]) {
    for (const input of order) {
      const [output, hN] = rnn.forward(input);
      const isBatched = input.shape.length === 3;
      assert.deepEqual(output.shape, isBatched ? [2, 1, 4] : [2, 4]);
      assert.deepEqual(hN.shape, isBatched ? [1, 1, 4] : [1, 4]);
    }
  }
});

Deno.test("RNN.fromStateDict counts 11 layers (two-digit layer numbers)", () => {
  const rnn = new RNN({ inputSize: 2, hiddenSize: 2, numLayers: 11 });
  const loaded = RNN.fromStateDict(rnn.stateDict());
  assert.equal(loaded.numLayers, 11);
  assert.deepEqual(snapshot(loaded.stateDict()), snapshot(rnn.stateDict()));
});

Deno.test("RNN.fromStateDict takes only its prefix's keys beside another RNN's", () => {
  const enc = new RNN({ inputSize: 3, hiddenSize: 4 });
  const dec = new RNN({ inputSize: 4, hiddenSize: 4, numLayers: 2 });
  const prefixed = (prefix: string, rnn: RNN) =>
    Object.fromEntries(Object.entries(rnn.stateDict()).map(([k, v]) => [prefix + k, v]));
  const record = { ...prefixed("enc.", enc), ...prefixed("dec.", dec) };
  const loaded = RNN.fromStateDict(record, { prefix: "enc." });
  assert.deepEqual(snapshot(loaded.stateDict()), snapshot(enc.stateDict()));
  // findRNN's own keys are the prefix's only (the same length "dec." must not slip in).
  assert.deepEqual(
    Object.keys(findRNN(record, "enc.", "prefix").own),
    Object.keys(prefixed("enc.", enc)),
  );
  // An RNN at the top level, another under "dec.": prefix "" takes the top level's.
  const top = { ...enc.stateDict(), ...prefixed("dec.", dec) };
  const fromTop = RNN.fromStateDict(top, { prefix: "" });
  assert.deepEqual(snapshot(fromTop.stateDict()), snapshot(enc.stateDict()));
  assert.deepEqual(Object.keys(findRNN(top, "", "prefix").own), Object.keys(enc.stateDict()));
});

Deno.test("stateDict(), parameters() and namedParameters() return copies the module never sees", () => {
  const modules = [new RNN(base), new Linear({ inFeatures: 3, outFeatures: 2 })];
  for (const module of modules) {
    const before = snapshot(module.stateDict());
    for (const t of Object.values(module.stateDict())) t.data.fill(7);
    for (const t of module.parameters()) t.data.fill(8);
    for (const [, t] of module.namedParameters()) t.data.fill(9);
    assert.deepEqual(snapshot(module.stateDict()), before, `${module}`);
  }
});

Deno.test("loadStateDict() copies the record: changing it afterwards changes nothing", () => {
  const modules = [new RNN(base), new Linear({ inFeatures: 3, outFeatures: 2 })];
  for (const module of modules) {
    const record = module.stateDict();
    for (const t of Object.values(record)) t.data.fill(0.5);
    module.loadStateDict(record);
    const before = snapshot(module.stateDict());
    for (const t of Object.values(record)) t.data.fill(3);
    assert.deepEqual(snapshot(module.stateDict()), before, `${module}`);
  }
  // The kernels' copy too: forward is unchanged.
  const rnn = new RNN(base), record = new RNN(base).stateDict();
  rnn.loadStateDict(record);
  const x = randomTensor(seededRandom(2), [4, 3]);
  const [output] = rnn.forward(x);
  for (const t of Object.values(record)) t.data.fill(3);
  assert.deepEqual(bitsOf(rnn.forward(x)[0]), bitsOf(output));
});

Deno.test("loadStateDict() of another model's values and one bad shape changes nothing", () => {
  const a = new RNN(base), b = new RNN(base);
  const before = snapshot(a.stateDict());
  assert.throws(
    () => a.loadStateDict({ ...b.stateDict(), bias_hh_l0: Tensor.zeros([5]) }),
    /size mismatch for bias_hh_l0/,
  );
  assert.deepEqual(snapshot(a.stateDict()), before);
});

Deno.test("RNNModel's rnn.generator draws the head's parameters too", () => {
  const options = () => ({
    rnn: { ...base, generator: new Generator(7) },
    head: { outFeatures: 2 },
  });
  const first = new RNNModel(options());
  manualSeed(1);
  new Linear({ inFeatures: 4, outFeatures: 2 }); // uses the default generator in between
  const second = new RNNModel(options());
  assert.deepEqual(snapshot(second.stateDict()), snapshot(first.stateDict()));
  assert.ok("fc.weight" in first.stateDict());
});

Deno.test({
  name: "Linear runs the simd build it is given; RNNModel's head runs its RNN's",
  // The builds differ only where relaxed_madd is a fused multiply-add, as on this machine.
  ignore: !RELAXED_SIMD_SUPPORTED || !maddFuses(),
  fn() {
    const strict = new Linear({ inFeatures: 64, outFeatures: 16, simd: "strict" });
    const relaxed = new Linear({ inFeatures: 64, outFeatures: 16, simd: "relaxed" });
    relaxed.loadStateDict(strict.stateDict());
    const x = randomTensor(seededRandom(3), [32, 64]);
    // Fused multiply-adds round once instead of twice: some bit differs.
    assert.notDeepEqual(bitsOf(relaxed.forward(x)), bitsOf(strict.forward(x)));
    for (const simd of ["strict", "relaxed"] as const) {
      const model = new RNNModel({
        rnn: { inputSize: 64, hiddenSize: 64, simd },
        head: { outFeatures: 16 },
      });
      const head = new Linear({ inFeatures: 64, outFeatures: 16, simd });
      head.loadStateDict(model.head.stateDict());
      const [output] = model.rnn.forward(x);
      assert.equal(model.head.simd, simd);
      assert.deepEqual(bitsOf(model.forward(x)[0]), bitsOf(head.forward(output)), simd);
    }
  },
});

Deno.test("loadStateDict() refuses a parameter of another rank, naming both shapes", () => {
  const rnn = new RNN({ inputSize: 1, hiddenSize: 2 });
  assert.throws(
    () => rnn.loadStateDict({ ...rnn.stateDict(), weight_ih_l0: Tensor.zeros([2]) }),
    /^RangeError: size mismatch for weight_ih_l0: copying a param with shape \[2\] from checkpoint, the shape in current model is \[2,1\]$/,
  );
});

Deno.test("forward() refuses out tensors of the wrong rank or count, and bad lengths", () => {
  const rnn = new RNN({ inputSize: 3, hiddenSize: 4 });
  const x = Tensor.zeros([5, 2, 3]);
  assert.throws(
    () => rnn.forward(x, undefined, { out: [Tensor.zeros([5, 2]), Tensor.zeros([1, 2, 4])] }),
    /^RangeError: out\[0\] \(output\) must have the shape this call returns: expected \[5,2,4\], got \[5,2\]$/,
  );
  const three = [Tensor.zeros([5, 2, 4]), Tensor.zeros([1, 2, 4]), Tensor.zeros([1])];
  assert.throws(
    () => rnn.forward(x, undefined, { out: three as never }),
    /^TypeError: out must be \[output, hN\]/,
  );
  assert.throws(
    () => rnn.forward(x, undefined, { lengths: [3, 1, 1] }),
    /^RangeError: lengths must have one entry per sequence: expected 2, got 3$/,
  );
  assert.throws(
    () => rnn.forward(x, undefined, { lengths: {} as never }),
    /^TypeError: lengths must be an array of 2 integers: got /,
  );
});

Deno.test("fromStateDict refuses 1-D weights where 2-D ones belong", () => {
  const rnn = new RNN(base);
  assert.throws(
    () => RNN.fromStateDict({ ...rnn.stateDict(), weight_ih_l0: Tensor.zeros([4]) }),
    /^Error: fromStateDict: "weight_ih_l0" must be a 2-D Tensor: got /,
  );
  const model = new RNNModel({ rnn: base, head: { outFeatures: 2 } });
  assert.throws(
    () => RNNModel.fromStateDict({ ...model.stateDict(), "fc.weight": Tensor.zeros([2]) }),
    /^Error: fromStateDict: the head's "fc\.weight" must be a 2-D Tensor: got /,
  );
});

Deno.test("RNNModel.stateDict() refuses one prefix for both parts", () => {
  const model = new RNNModel({ rnn: base, head: { outFeatures: 2 } });
  assert.throws(
    () => model.stateDict({ rnn: "m.", head: "m." }),
    /^RangeError: prefixes must be two different strings: got rnn "m\.", head "m\."$/,
  );
});

Deno.test("new RNN() refuses sizes whose parameters cannot fit twice in 4 GiB, from 2^29", () => {
  // 23169² + 3·23169 = 536872068 > 2^29 = 536870912 ≥ 23168² + 3·23168.
  const sizes = { inputSize: 1, numLayers: 1, bias: true, bidirectional: false };
  assert.equal(parameterCount({ ...sizes, hiddenSize: 23168 }), 536825728);
  assert.throws(
    () => new RNN({ inputSize: 1, hiddenSize: 23169 }),
    /^RangeError: these sizes need 536872068 parameters, more than 32-bit WebAssembly memory \(4 GiB\) can hold twice/,
  );
});

Deno.test("parameterCount() is the sum of the parameters' sizes", () => {
  for (const bias of [true, false]) {
    for (const numLayers of [1, 3]) {
      for (const bidirectional of [false, true]) {
        const rnn = new RNN({ inputSize: 3, hiddenSize: 5, numLayers, bias, bidirectional });
        const sum = rnn.parameters().reduce((total, p) => total + p.size, 0);
        assert.equal(parameterCount(rnn), sum, `${rnn}`);
      }
    }
  }
});

Deno.test("new Linear() refuses a weight that cannot fit twice in 4 GiB", () => {
  assert.throws(
    () => new Linear({ inFeatures: 32768, outFeatures: 16385 }),
    /^RangeError: a 16385×32768 weight is more than 32-bit WebAssembly memory \(4 GiB\) can hold twice/,
  );
});

Deno.test("forward() refuses a tensor whose data no longer matches its shape", () => {
  const rnn = new RNN({ inputSize: 3, hiddenSize: 4 });
  const buffer = new ArrayBuffer(24, { maxByteLength: 48 });
  const grown = new Tensor([2, 3], new Float32Array(buffer)); // tracks the buffer's length
  buffer.resize(48);
  assert.throws(
    () => rnn.forward(grown),
    /^RangeError: input\.data must hold the 6 elements of shape \[2,3\]: got 12 \(was its buffer resized\?\)$/,
  );
  const replaced = Tensor.zeros([2, 3]);
  Object.defineProperty(replaced, "data", { value: [0, 0, 0, 0, 0, 0] });
  assert.throws(
    () => rnn.forward(replaced),
    /^RangeError: input\.data must hold the 6 elements of shape \[2,3\]: got an array/,
  );
});

Deno.test("options: an inherited Object.prototype name is unknown; short or far keys get no guess", () => {
  assert.throws(
    () => new RNN({ ...base, toString: 1 } as never),
    /^TypeError: new RNN: unknown option "toString": expected one of /,
  );
  for (const key of ["in", "biasxyz"]) {
    assert.throws(
      () => new RNN({ ...base, [key]: 1 } as never),
      new RegExp(`^TypeError: new RNN: unknown option "${key}": expected one of inputSize, `),
    );
  }
});
