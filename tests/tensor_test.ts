import assert from "node:assert/strict";
import { RNN, Tensor, tensor } from "../mod.ts";

Deno.test("Tensor.from() takes its shape from the nesting and keeps row-major order", () => {
  const t = Tensor.from([[[1], [2], [3]]]);
  assert.deepEqual(t.shape, [1, 3, 1]);
  assert.deepEqual([...t.data], [1, 2, 3]);
  assert.deepEqual(t.toArray(), [[[1], [2], [3]]]);
  assert.deepEqual(tensor([[1, 2], [3, 4]]).toArray(), [[1, 2], [3, 4]]);
});

Deno.test("Tensor.from() handles rank 0 and empty axes", () => {
  assert.deepEqual(tensor(5).shape, []);
  assert.equal(tensor(5).toArray(), 5);
  assert.deepEqual(tensor([]).shape, [0]);
  assert.deepEqual(tensor([[], []]).shape, [2, 0]);
  assert.deepEqual(tensor([[], []]).toArray(), [[], []]);
});

Deno.test("new Tensor() uses a Float32Array as is, converts number arrays, and zero-fills", () => {
  const data = new Float32Array([1, 2, 3, 4]);
  const t = new Tensor([2, 2], data);
  assert.equal(t.data, data);
  assert.deepEqual([...new Tensor([3], [0.5, 1, 2]).data], [0.5, 1, 2]);
  assert.deepEqual([...Tensor.zeros([2, 3]).data], [0, 0, 0, 0, 0, 0]);
  assert.equal(Tensor.zeros([2, 3]).size, 6);
});

Deno.test("Tensor.shape is a frozen copy of the caller's array", () => {
  const shape = [2, 2];
  const t = new Tensor(shape);
  shape[0] = 7;
  assert.deepEqual(t.shape, [2, 2]);
  assert.throws(() => (t.shape as number[]).push(1), TypeError);
});

Deno.test("Tensor copies even a frozen shape, whose elements may be getters", () => {
  let reads = 0;
  const shape = Object.freeze(
    Object.defineProperty([0, 3], 0, { get: () => (++reads === 1 ? 2 : 5), enumerable: true }),
  );
  const t = new Tensor(shape);
  assert.notEqual(t.shape, shape);
  assert.deepEqual([t.shape[0], t.shape[0], t.data.length], [2, 2, 6]);
  assert.throws(
    () => new Tensor(Object.freeze([2, -1])),
    /shape\[1\] must be a non-negative integer/,
  );
});

Deno.test("results of one geometry share one frozen shape, which a Tensor keeps as it is", () => {
  const rnn = new RNN({ inputSize: 1, hiddenSize: 2 });
  const x = Tensor.zeros([3, 1]);
  const [first, h] = rnn.forward(x);
  const [second] = rnn.forward(x, h);
  assert.equal(second.shape, first.shape);
  assert.ok(Object.isFrozen(first.shape));
  assert.equal(new Tensor(first.shape).shape, first.shape);
});

Deno.test("Tensor rejects ragged nesting, mismatched data and bad dims with clear errors", () => {
  assert.throws(
    () => tensor([[1, 2], [3]]),
    /ragged nesting at \[1\]: expected an array of length 2, got length 1/,
  );
  assert.throws(
    () => tensor([[1, 2], 3] as never),
    /ragged nesting at \[1\]: expected an array of length 2, got 3/,
  );
  assert.throws(() => tensor([[1, "a"]] as never), /element \[0\]\[1\] must be a number: got "a"/);
  assert.throws(() => tensor({ a: 1 } as never), /expects a number or nested arrays of numbers/);
  assert.throws(() => new Tensor([2], ["1", 2] as never), /data\[0\] must be a number: got "1"/);
  assert.throws(
    () => new Tensor([2, 3], [1, 2]),
    /data length must match shape \[2, 3\]: expected 6, got 2/,
  );
  assert.throws(() => new Tensor([2, -1]), /shape\[1\] must be a non-negative integer: got -1/);
  assert.throws(() => new Tensor([1.5]), /shape\[0\] must be a non-negative integer: got 1.5/);
  assert.throws(() => new Tensor([NaN]), /shape\[0\] must be a non-negative integer: got NaN/);
  // Beside a zero axis, huge axes would make a size of Infinity · 0 = NaN.
  assert.throws(
    () => new Tensor([1e200, 1e200, 0]),
    /shape\[0\] is 1e\+200, more than a Float32Array/,
  );
  assert.throws(
    () => new Tensor([2], "ab" as never),
    /data must be a Float32Array or an array of numbers/,
  );
});

Deno.test("Tensor refuses data longer than its shape, and nesting longer than the first row", () => {
  for (const data of [[1, 2, 3], new Float32Array(3)]) {
    assert.throws(
      () => new Tensor([2], data),
      /^RangeError: data length must match shape \[2\]: expected 2, got 3$/,
    );
  }
  assert.throws(
    () => tensor([[1, 2], [3, 4, 5]]),
    /^RangeError: Tensor\.from: ragged nesting at \[1\]: expected an array of length 2, got length 3$/,
  );
});

Deno.test("Tensor refuses a shape of more than 2^32 elements, each axis within it", () => {
  assert.throws(
    () => Tensor.zeros([65536, 65537]),
    /^RangeError: shape \[65536, 65537\] has 4295032832 elements, more than a Float32Array can hold$/,
  );
});
