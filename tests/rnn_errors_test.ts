// Bad input gets a clear error naming the argument, expected vs actual;
// what torch 1.13 does for each case is recorded in fixtures/torch_errors.md.

import assert from "node:assert/strict";
import { format, Linear, RNN, RNNModel, type RNNOptions, Tensor } from "../mod.ts";
import { closestName } from "../_options.ts";
import { randomTensor, seededRandom } from "./_helpers.ts";

const base: RNNOptions = { inputSize: 3, hiddenSize: 4 };

Deno.test("new RNN() rejects bad sizes, naming the option and the value", () => {
  for (const name of ["inputSize", "hiddenSize", "numLayers"] as const) {
    for (const value of [0, -1, 1.5, NaN, Infinity, "2", undefined]) {
      if (name === "numLayers" && value === undefined) continue; // the default, 1
      assert.throws(
        () => new RNN({ ...base, [name]: value }),
        new RegExp(`^RangeError: ${name} must be a positive integer: got `),
        `${name} = ${String(value)}`,
      );
    }
  }
  assert.throws(
    () => new RNN({ ...base, hiddenSize: -0 }),
    /hiddenSize must be a positive integer: got -0/,
  );
});

Deno.test("new RNN() rejects an unknown nonlinearity, a bad dropout and non-boolean flags", () => {
  assert.throws(
    () => new RNN({ ...base, nonlinearity: "gelu" as never }),
    /nonlinearity must be one of "tanh", "relu", "sigmoid": got "gelu"/,
  );
  assert.throws(() => new RNN({ ...base, nonlinearity: "Tanh" as never }), /got "Tanh"/);
  for (const dropout of [-0.1, 1.5, NaN, "0.5"]) {
    assert.throws(
      () => new RNN({ ...base, dropout: dropout as number }),
      /dropout must be a number in \[0, 1\]/,
    );
  }
  for (const dropout of [0, 0.5, 1]) {
    assert.equal(new RNN({ ...base, numLayers: 2, dropout }).dropout, dropout);
  }
  assert.throws(
    () => new RNN({ ...base, batchFirst: 1 as never }),
    /batchFirst must be a boolean: got 1/,
  );
  assert.throws(
    () => new RNN({ ...base, bias: "no" as never }),
    /bias must be a boolean: got "no"/,
  );
  assert.throws(
    () => new RNN(undefined as never),
    /new RNN: options must be an object: got undefined/,
  );
  assert.throws(
    () => new RNN({ ...base, simd: "avx" as never }),
    /simd must be "relaxed" or "strict": got "avx"/,
  );
});

Deno.test("every options object refuses an unknown name, hinting at the one meant", () => {
  // Plain JavaScript ignores a misspelt key, so batch_first would run batch-second:
  // torch refuses an unexpected keyword argument, and so does every options object here.
  const rnn = new RNN({ inputSize: 1, hiddenSize: 2 });
  const model = new RNNModel({ rnn: base, head: { outFeatures: 1 } });
  const cases: [() => unknown, RegExp][] = [
    [
      () => new RNN({ ...base, batch_first: true } as never),
      /^TypeError: new RNN: unknown option "batch_first": did you mean "batchFirst"\?$/,
    ],
    [() => new RNN({ ...base, numlayers: 2 } as never), /"numlayers": did you mean "numLayers"/],
    [() => new RNN({ ...base, hidden: 2 } as never), /"hidden": did you mean "hiddenSize"/],
    [() => new RNN({ ...base, bidir: true } as never), /"bidir": did you mean "bidirectional"/],
    // One letter wrong, missing or swapped; two in a long name.
    [() => new RNN({ ...base, hiddenSzie: 2 } as never), /"hiddenSzie": did you mean "hiddenSize"/],
    [() => new RNN({ ...base, dropot: 0 } as never), /"dropot": did you mean "dropout"/],
    [() => new RNN({ ...base, bais: true } as never), /"bais": did you mean "bias"/],
    [() => new RNN({ ...base, nonlinaerity: "relu" } as never), /did you mean "nonlinearity"/],
    // A key of two letters is not guessed at.
    [
      () =>
        new RNNModel({ rnn: base, head: { outFeatures: 1 } }).loadStateDict(
          {},
          { Prefixes: {} } as never,
        ),
      /"Prefixes": did you mean "prefixes"/,
    ],
    [() => new RNN({ ...base, ab: 1 } as never), /"ab": expected one of/],
    [
      () => new RNN({ ...base, device: "cpu" } as never),
      /"device": expected one of inputSize, hiddenSize, numLayers, nonlinearity, bias, batchFirst, dropout, bidirectional, threads, generator, simd$/,
    ],
    [() => new RNN({ ...base, "a\nb": 1 } as never), /unknown option "a\\nb": expected/],
    // Reading would find an inherited key, so it is checked too.
    [
      () => new RNN(Object.assign(Object.create({ batch_first: true }), base)),
      /new RNN: unknown option "batch_first"/,
    ],
    [
      () => new RNN(undefined as never),
      /^TypeError: new RNN: options must be an object: got undefined$/,
    ],
    [() => new RNN([1, 2] as never), /new RNN: options must be an object: got an array/],
    [
      () => RNN.fromStateDict(rnn.stateDict(), { batch_first: true } as never),
      /^TypeError: RNN\.fromStateDict: unknown option "batch_first": did you mean "batchFirst"/,
    ],
    [
      () => RNN.fromStateDict(rnn.stateDict(), null as never),
      /^TypeError: RNN\.fromStateDict: options must be an object: got null$/,
    ],
    [
      () => rnn.forward(Tensor.zeros([3, 1]), undefined, { length: [3] } as never),
      /^TypeError: forward\(\): unknown option "length": did you mean "lengths"\?$/,
    ],
    [
      () => rnn.forward(Tensor.zeros([3, 1]), undefined, 3 as never),
      /^TypeError: forward\(\): options must be an object: got 3$/,
    ],
    [
      () => rnn.step(Tensor.zeros([1, 1]), undefined, { outs: [] } as never),
      /^TypeError: step\(\): unknown option "outs": did you mean "out"\?$/,
    ],
    // step() takes no lengths, so it does not hint at them.
    [
      () => rnn.step(Tensor.zeros([1, 1]), undefined, { length: 1 } as never),
      /^TypeError: step\(\): unknown option "length": expected one of out$/,
    ],
    [
      () => new RNNModel({ rnn: base, head: { out_features: 1 } } as never),
      /^TypeError: new RNNModel: unknown key "out_features" in head: did you mean "outFeatures"\?$/,
    ],
    [
      () => new RNNModel({ rnn: base, head: { outFeatures: 1 }, fc: {} } as never),
      /new RNNModel: unknown option "fc": expected one of rnn, head$/,
    ],
    [
      () => new RNNModel({ rnn: { ...base, hidden_size: 4 }, head: { outFeatures: 1 } } as never),
      /new RNNModel: unknown key "hidden_size" in rnn: did you mean "hiddenSize"/,
    ],
    [
      () => new RNNModel({ rnn: base, head: null } as never),
      /new RNNModel: head must be an object: got null/,
    ],
    [
      () => model.forward(Tensor.zeros([3, 3]), undefined, { batch_first: true } as never),
      /^TypeError: RNNModel\.forward\(\): unknown option "batch_first": expected one of lengths$/,
    ],
    [
      () => RNNModel.fromStateDict({}, { prefixes: { fc: "out." } } as never),
      /RNNModel\.fromStateDict: unknown key "fc" in prefixes: expected one of rnn, head$/,
    ],
    [
      () => RNNModel.fromStateDict({}, { prefixes: null } as never),
      /RNNModel\.fromStateDict: prefixes must be an object: got null/,
    ],
    [
      () => RNNModel.fromStateDict({}, { batchfirst: true } as never),
      /RNNModel\.fromStateDict: unknown option "batchfirst": did you mean "batchFirst"/,
    ],
    [
      () => RNNModel.fromStateDict({}, null as never),
      /RNNModel\.fromStateDict: options must be an object: got null/,
    ],
    [
      () => model.loadStateDict({}, { prefix: "x." } as never),
      /RNNModel\.loadStateDict: unknown option "prefix": did you mean "prefixes"/,
    ],
    [
      () => model.loadStateDict({}, { prefixes: { fc: "x." } } as never),
      /RNNModel\.loadStateDict: unknown key "fc" in prefixes: expected one of rnn, head$/,
    ],
    [() => model.loadStateDict({}, null as never), /loadStateDict: options must be an object/],
    [
      () => model.stateDict({ fc: "x." } as never),
      /RNNModel\.stateDict: unknown key "fc" in prefixes/,
    ],
    [
      () => new Linear({ in_features: 2, outFeatures: 1 } as never),
      /new Linear: unknown option "in_features": did you mean "inFeatures"/,
    ],
    [
      () => format(Tensor.zeros([2]), { sci_mode: false } as never),
      /format: unknown option "sci_mode": did you mean "sciMode"/,
    ],
    [() => format(Tensor.zeros([2]), "x" as never), /format: options must be an object: got "x"/],
  ];
  for (const [call, expected] of cases) assert.throws(call, expected);
  // Non-enumerable and Symbol keys are not options; a class instance's methods live on its prototype.
  const options = Object.defineProperty({ ...base, [Symbol("tag")]: 1 }, "hidden", { value: 1 });
  assert.equal(new RNN(options).hiddenSize, 4);
});

Deno.test("RNN.forward() rejects an input of the wrong rank or feature size", () => {
  const rnn = new RNN(base);
  assert.throws(
    () => rnn.forward(Tensor.zeros([3])),
    /input must be 2-D \(unbatched\) or 3-D \(batched\): got 1-D/,
  );
  assert.throws(
    () => rnn.forward(Tensor.zeros([1, 2, 3, 3])),
    /got 4-D tensor of shape \[1,2,3,3\]/,
  );
  assert.throws(
    () => rnn.forward(Tensor.zeros([5, 2, 7])),
    /input.size\(-1\) must be equal to inputSize: expected 3, got 7/,
  );
  assert.throws(
    () => rnn.forward([[1, 2, 3]] as never),
    /input must be a Tensor: got an array of length 1/,
  );
  // A Tensor of another copy of the library (another URL or a bundle) is not taken for ours.
  const foreign = { shape: [1, 3], data: new Float32Array(3) };
  assert.throws(
    () => rnn.forward(foreign as never),
    /input must be a Tensor: got an object of shape \[1, 3\] that is not a Tensor of this module \(is it from another copy of rnn-wasm\? make one with this module's tensor\(\)\)$/,
  );
});

Deno.test("RNN.forward() rejects h0 of the wrong rank or shape with the expected shape", () => {
  const rnn = new RNN({ ...base, numLayers: 2, bidirectional: true });
  const input = Tensor.zeros([5, 2, 3]);
  assert.throws(
    () => rnn.forward(input, Tensor.zeros([4, 3, 4])),
    /h0 must have the hidden size \[4,2,4\] \(D·numLayers, N, H\): got \[4,3,4\]/,
  );
  assert.throws(
    () => rnn.forward(input, Tensor.zeros([2, 2, 4])),
    /hidden size \[4,2,4\].*got \[2,2,4\]/,
  );
  assert.throws(() => rnn.forward(input, Tensor.zeros([4, 2, 5])), /got \[4,2,5\]/);
  assert.throws(
    () => rnn.forward(input, Tensor.zeros([4, 4])),
    /For batched 3-D input, h0 should also be 3-D: got 2-D tensor/,
  );
  assert.throws(
    () => rnn.forward(Tensor.zeros([5, 3]), Tensor.zeros([4, 1, 4])),
    /For unbatched 2-D input, h0 should also be 2-D: got 3-D tensor/,
  );
  assert.throws(() => rnn.forward(input, [0] as never), /h0 must be a Tensor or undefined/);
});

Deno.test("RNN.forward() refuses a sequence of length 0 with torch's message", () => {
  const rnn = new RNN(base);
  assert.throws(
    () => rnn.forward(Tensor.zeros([0, 2, 3])),
    /Expected sequence length to be larger than 0 in RNN/,
  );
  assert.throws(
    () => rnn.forward(Tensor.zeros([0, 3])),
    /Expected sequence length to be larger than 0/,
  );
  const batchFirst = new RNN({ ...base, batchFirst: true });
  assert.throws(
    () => batchFirst.forward(Tensor.zeros([2, 0, 3])),
    /Expected sequence length to be larger than 0/,
  );
});

Deno.test("RNN.forward() returns empty tensors for an empty batch, as torch does", () => {
  const rnn = new RNN({ ...base, numLayers: 2, bidirectional: true });
  const [output, hN] = rnn.forward(Tensor.zeros([5, 0, 3]));
  assert.deepEqual([output.shape, hN.shape], [[5, 0, 8], [4, 0, 4]]);
  const [o2, h2] = new RNN({ ...base, batchFirst: true }).forward(Tensor.zeros([0, 5, 3]));
  assert.deepEqual([o2.shape, h2.shape], [[0, 5, 4], [1, 0, 4]]);
});

Deno.test("RNN.forward() computes non-finite inputs as IEEE arithmetic does, without throwing", () => {
  const rnn = new RNN({ ...base, batchFirst: true });
  const input = new Tensor([1, 3, 3], [NaN, 0, 0, Infinity, 0, 0, 1, 1, 1]);
  const [output] = rnn.forward(input);
  // NaN at t = 0 reaches every unit of h_0 through W_ih, and every later step through W_hh.
  assert.ok(output.data.every(Number.isNaN));
  // +Inf in one feature drives unit j to ±Inf, the sign of weight_ih[j][0], so tanh gives ±1.
  const [saturated] = rnn.forward(new Tensor([1, 1, 3], [Infinity, 0, 0]));
  const weights = rnn.stateDict().weight_ih_l0.data;
  for (let j = 0; j < 4; j++) assert.equal(saturated.data[j], Math.sign(weights[3 * j]));
});

Deno.test("loadStateDict() is strict and names the key and both shapes", () => {
  const rnn = new RNN(base);
  const good = rnn.stateDict();
  const { bias_hh_l0: _, ...missing } = good;
  assert.throws(() => rnn.loadStateDict(missing), /missing key\(s\): "bias_hh_l0"/);
  assert.throws(
    () => rnn.loadStateDict({ ...good, weight_ih_l1: Tensor.zeros([4, 4]) }),
    /unexpected key\(s\): "weight_ih_l1"/,
  );
  assert.throws(
    () => rnn.loadStateDict({ ...good, weight_hh_l0: Tensor.zeros([4, 3]) }),
    /size mismatch for weight_hh_l0: copying a param with shape \[4,3\] from checkpoint, the shape in current model is \[4,4\]/,
  );
  assert.throws(
    () => rnn.loadStateDict({ ...good, bias_ih_l0: [0, 0, 0, 0] as never }),
    /state_dict\["bias_ih_l0"\] must be a Tensor: got an array of length 4/,
  );
  assert.throws(() => rnn.loadStateDict(null as never), /loadStateDict expects a record/);
  // A failed load changes nothing.
  assert.deepEqual(rnn.stateDict(), good);
});

Deno.test("nothing the caller passes in is kept or changed", () => {
  const random = seededRandom(11);
  const rnn = new RNN({ ...base, numLayers: 2 });
  const record = rnn.stateDict();
  const snapshot = structuredClone(
    Object.fromEntries(Object.entries(record).map(([k, v]) => [k, [...v.data]])),
  );
  const input = randomTensor(random, [4, 2, 3]);
  const h0 = randomTensor(random, [2, 2, 4]);
  const inputCopy = input.data.slice(), h0Copy = h0.data.slice();
  rnn.loadStateDict(record);
  const [before] = rnn.forward(input, h0);
  assert.deepEqual(input.data, inputCopy);
  assert.deepEqual(h0.data, h0Copy);
  for (const [k, v] of Object.entries(record)) assert.deepEqual([...v.data], snapshot[k]);
  // Changing the loaded record or a returned parameter later does not reach the model.
  record.weight_ih_l0.data.fill(5);
  rnn.stateDict().weight_hh_l0.data.fill(5);
  rnn.parameters()[0].data.fill(5);
  assert.deepEqual(rnn.forward(input, h0)[0], before);
  // Results are fresh arrays, not views of WebAssembly memory.
  const [a] = rnn.forward(input);
  const [b] = rnn.forward(randomTensor(random, [4, 2, 3]));
  assert.notEqual(a.data.buffer, b.data.buffer);
  assert.ok(!a.data.some(Number.isNaN));
});

Deno.test("a tensor whose buffer shrank after construction is refused, not read stale", () => {
  const rnn = new RNN(base);
  const buffer = new ArrayBuffer(4 * 6, { maxByteLength: 4 * 12 });
  const input = new Tensor([2, 1, 3], new Float32Array(buffer));
  rnn.forward(input);
  buffer.resize(4 * 3);
  assert.throws(
    () => rnn.forward(input),
    /input.data must hold the 6 elements of shape \[2,1,3\]: got 3 \(was its buffer resized\?\)/,
  );
});

Deno.test("closestName prefers the same letters over a longer name's start", () => {
  assert.equal(closestName("Prefixes", ["prefix", "prefixes"]), "prefixes");
  assert.equal(closestName("xyz", ["prefix", "prefixes"]), undefined);
});
