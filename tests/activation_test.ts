// The vectorised activations, seen through a 1×1 RNN with W_ih = 1, W_hh = 0
// and no bias, so that output = f(x) element by element.

import assert from "node:assert/strict";
import { type Nonlinearity, RNN, Tensor } from "../mod.ts";

function activation(
  nonlinearity: Nonlinearity,
  simd: "relaxed" | "strict",
  xs: number[],
): Float32Array {
  const rnn = new RNN({ inputSize: 1, hiddenSize: 1, bias: false, nonlinearity, simd });
  rnn.loadStateDict({
    weight_ih_l0: new Tensor([1, 1], [1]),
    weight_hh_l0: new Tensor([1, 1], [0]),
  });
  return rnn.forward(new Tensor([1, xs.length, 1], xs))[0].data;
}

const MATH = {
  tanh: Math.tanh,
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
  relu: (x: number) => Math.max(x, 0),
};

const sweep = Array.from({ length: 40001 }, (_, i) => Math.fround(-20 + i * 0.001));

for (const simd of ["relaxed", "strict"] as const) {
  for (const nonlinearity of ["tanh", "sigmoid"] as const) {
    Deno.test(`${nonlinearity} (${simd}) is within 1e-6 of float64 math on [-20, 20] and stays in range`, () => {
      const ys = activation(nonlinearity, simd, sweep);
      let worst = 0;
      sweep.forEach((x, i) => {
        worst = Math.max(worst, Math.abs(ys[i] - MATH[nonlinearity](x)));
        assert.ok(Math.abs(ys[i]) <= 1, `|${nonlinearity}(${x})| = ${ys[i]} exceeds 1`);
      });
      assert.ok(worst <= 1e-6, `worst error ${worst}`);
    });

    Deno.test(`${nonlinearity} (${simd}) keeps NaN and maps ±Inf to its limits`, () => {
      const [nan, inf, negInf, zero, negZero, big] = activation(nonlinearity, simd, [
        NaN,
        Infinity,
        -Infinity,
        0,
        -0,
        1e30,
      ]);
      assert.ok(Number.isNaN(nan));
      assert.equal(inf, 1);
      assert.equal(negInf, nonlinearity === "tanh" ? -1 : 0);
      assert.equal(big, 1);
      // A zero reaches the activation as a sum (x·1 + 0), so its sign is not observable here.
      assert.equal(zero, nonlinearity === "tanh" ? 0 : 0.5);
      assert.equal(negZero, zero);
    });
  }

  Deno.test(`relu (${simd}) is exact, keeps NaN and passes ±Inf through`, () => {
    const xs = [...sweep, NaN, Infinity, -Infinity, Math.fround(3e38), Math.fround(-3e38)];
    const ys = activation("relu", simd, xs);
    xs.forEach((x, i) => {
      if (Number.isNaN(x)) assert.ok(Number.isNaN(ys[i]));
      else assert.equal(ys[i], MATH.relu(x), `relu(${x})`);
    });
  });
}
