// forward(..., { out }) and step(..., { out }): results written into the caller's tensors.

import assert from "node:assert/strict";
import { RNN, RNNModel, Tensor } from "../mod.ts";
import { randomTensor, seededRandom } from "./_helpers.ts";

// Tensors of the given shapes filled with NaN, so that any element left unwritten shows.
function nanTensors(...tensors: Tensor[]): [Tensor, Tensor] {
  const [a, b] = tensors.map((t) => new Tensor(t.shape, new Float32Array(t.data.length).fill(NaN)));
  return [a, b];
}

Deno.test("forward with out writes what forward returns into the caller's tensors, and returns them", () => {
  const random = seededRandom(61);
  const configurations = [
    { inputSize: 3, hiddenSize: 5 },
    { inputSize: 3, hiddenSize: 20, batchFirst: true },
    { inputSize: 4, hiddenSize: 9, numLayers: 3, bidirectional: true },
    { inputSize: 2, hiddenSize: 33, numLayers: 2, batchFirst: true, nonlinearity: "relu" as const },
  ];
  for (const options of configurations) {
    const rnn = new RNN(options);
    const D = options.bidirectional ? 2 : 1, layers = options.numLayers ?? 1;
    for (const batched of [true, false]) {
      const [L, N] = [1 + Math.floor(random() * 9), 1 + Math.floor(random() * 4)];
      const shape = batched
        ? (options.batchFirst ? [N, L, options.inputSize] : [L, N, options.inputSize])
        : [L, options.inputSize];
      const input = randomTensor(random, shape);
      const h0 = randomTensor(
        random,
        batched ? [D * layers, N, options.hiddenSize] : [D * layers, options.hiddenSize],
      );
      const lengths = batched && !options.batchFirst
        ? Array.from({ length: N }, () => 1 + Math.floor(random() * L))
        : undefined;
      const [output, hN] = rnn.forward(input, h0, { lengths });
      const out = nanTensors(output, hN);
      const [gotOutput, gotHN] = rnn.forward(input, h0, { lengths, out });
      const label = JSON.stringify({ options, batched, lengths });
      assert.equal(gotOutput, out[0], label);
      assert.equal(gotHN, out[1], label);
      assert.deepEqual(gotOutput.data, output.data, label);
      assert.deepEqual(gotHN.data, hN.data, label);
    }
  }
});

Deno.test("out may be the input and h0 themselves: they are read before anything is written", () => {
  const random = seededRandom(62);
  const rnn = new RNN({ inputSize: 6, hiddenSize: 6, batchFirst: true });
  const input = randomTensor(random, [2, 4, 6]);
  const h0 = randomTensor(random, [1, 2, 6]);
  const [output, hN] = rnn.forward(input, h0);
  const [gotOutput, gotHN] = rnn.forward(input, h0, { out: [input, h0] });
  assert.equal(gotOutput, input);
  assert.deepEqual(gotOutput.data, output.data);
  assert.equal(gotHN, h0);
  assert.deepEqual(gotHN.data, hN.data);
});

Deno.test("step with out streams a sequence in place, with the numbers of one forward", () => {
  const random = seededRandom(63);
  const rnn = new RNN({ inputSize: 3, hiddenSize: 16, batchFirst: true });
  const sequence = randomTensor(random, [2, 12, 3]);
  const [whole, hWhole] = rnn.forward(sequence);
  const x = Tensor.zeros([2, 1, 3]), y = Tensor.zeros([2, 1, 16]), h = Tensor.zeros([1, 2, 16]);
  for (let t = 0; t < 12; t++) {
    for (let n = 0; n < 2; n++) {
      x.data.set(sequence.data.subarray((n * 12 + t) * 3, (n * 12 + t + 1) * 3), n * 3);
    }
    const [gotY, gotH] = rnn.step(x, h, { out: [y, h] });
    assert.equal(gotY, y);
    assert.equal(gotH, h);
    for (let n = 0; n < 2; n++) {
      const expected = whole.data.subarray((n * 12 + t) * 16, (n * 12 + t + 1) * 16);
      const got = y.data.subarray(n * 16, (n + 1) * 16);
      got.forEach((v, i) =>
        assert.ok(Math.abs(v - expected[i]) <= 1e-5, `t ${t}, n ${n}: ${v} vs ${expected[i]}`)
      );
    }
  }
  h.data.forEach((v, i) => assert.ok(Math.abs(v - hWhole.data[i]) <= 1e-5));
});

Deno.test("threads: 2 with out gives one thread's results bit for bit", async () => {
  const random = seededRandom(64);
  const one = new RNN({ inputSize: 8, hiddenSize: 128, batchFirst: true });
  using two = new RNN({ inputSize: 8, hiddenSize: 128, batchFirst: true, threads: 2 });
  two.loadStateDict(one.stateDict());
  await two.ready;
  const input = randomTensor(random, [16, 40, 8]);
  const [output, hN] = one.forward(input);
  const out = nanTensors(output, hN);
  for (let call = 0; call < 3; call++) {
    out[0].data.fill(NaN);
    out[1].data.fill(NaN);
    two.forward(input, undefined, { out });
    assert.deepEqual(out[0].data, output.data, `call ${call}`);
    assert.deepEqual(out[1].data, hN.data, `call ${call}`);
    await two.ready;
  }
});

Deno.test("out may be two adjacent views of one buffer", () => {
  const rnn = new RNN({ inputSize: 2, hiddenSize: 3, batchFirst: true });
  const input = randomTensor(seededRandom(65), [2, 5, 2]);
  const [output, hN] = rnn.forward(input);
  const shared = new Float32Array(36).fill(NaN);
  rnn.forward(input, undefined, {
    out: [
      new Tensor([2, 5, 3], shared.subarray(0, 30)),
      new Tensor([1, 2, 3], shared.subarray(30)),
    ],
  });
  assert.deepEqual(shared, Float32Array.of(...output.data, ...hN.data));
  shared.fill(NaN);
  rnn.forward(input, undefined, {
    out: [new Tensor([2, 5, 3], shared.subarray(6)), new Tensor([1, 2, 3], shared.subarray(0, 6))],
  });
  assert.deepEqual(shared, Float32Array.of(...hN.data, ...output.data));
});

Deno.test("a batch of 0 sequences with out returns the out tensors", () => {
  const rnn = new RNN({ inputSize: 2, hiddenSize: 3 });
  const out = [Tensor.zeros([4, 0, 3]), Tensor.zeros([1, 0, 3])] as const;
  const [output, hN] = rnn.forward(Tensor.zeros([4, 0, 2]), undefined, { out });
  assert.equal(output, out[0]);
  assert.equal(hN, out[1]);
});

Deno.test("a bad out is a clear error, and nothing is written", () => {
  const rnn = new RNN({ inputSize: 2, hiddenSize: 3, batchFirst: true });
  const input = Tensor.zeros([2, 5, 2]);
  const output = Tensor.zeros([2, 5, 3]), hN = Tensor.zeros([1, 2, 3]);
  const forwardWith = (out: unknown) => () =>
    rnn.forward(input, undefined, { out: out as [Tensor, Tensor] });
  assert.throws(forwardWith(output), {
    name: "TypeError",
    message: /^out must be \[output, hN\], two Tensors: got /,
  });
  assert.throws(forwardWith([output]), {
    name: "TypeError",
    message: /^out must be \[output, hN\]/,
  });
  assert.throws(forwardWith([output, hN.data]), {
    name: "TypeError",
    message: /^out\[1\] \(hN\) must be a Tensor: got /,
  });
  assert.throws(forwardWith([Tensor.zeros([5, 2, 3]), hN]), {
    name: "RangeError",
    message: "out[0] (output) must have the shape this call returns: expected [2,5,3], got [5,2,3]",
  });
  assert.throws(forwardWith([output, Tensor.zeros([2, 3])]), {
    name: "RangeError",
    message: "out[1] (hN) must have the shape this call returns: expected [1,2,3], got [2,3]",
  });
  const shared = new Float32Array(36);
  assert.throws(
    forwardWith([
      new Tensor([2, 5, 3], shared.subarray(0, 30)),
      new Tensor([1, 2, 3], shared.subarray(26, 32)),
    ]),
    {
      name: "RangeError",
      message:
        "out[0] and out[1] share memory: bytes 0..120 and 104..128 of one buffer; each needs its own",
    },
  );
  const buffer = new ArrayBuffer(24);
  const detached = new Tensor([1, 2, 3], new Float32Array(buffer));
  structuredClone(buffer, { transfer: [buffer] });
  assert.throws(forwardWith([output, detached]), {
    name: "RangeError",
    message: /^out\[1\] \(hN\)\.data must hold the 6 elements of shape \[1,2,3\]: got 0/,
  });
  assert.ok(output.data.every((v) => v === 0) && hN.data.every((v) => v === 0), "nothing written");
  assert.throws(() => rnn.step(input, undefined, null as unknown as { out: undefined }), {
    name: "TypeError",
    message: "step(): options must be an object: got null",
  });
  assert.throws(
    () => rnn.step(input, undefined, { lengths: [5, 5] } as unknown as { out: undefined }),
    { name: "TypeError", message: /^step\(\) takes no lengths/ },
  );
  const model = new RNNModel({ rnn: { inputSize: 2, hiddenSize: 3 }, head: { outFeatures: 1 } });
  assert.throws(
    () => model.forward(Tensor.zeros([5, 2]), undefined, { out: [output, hN] } as never),
    { name: "TypeError", message: /^RNNModel\.forward takes no out/ },
  );
});
