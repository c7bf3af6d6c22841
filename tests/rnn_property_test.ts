// WASM SIMD against the scalar TypeScript reference on random, seeded
// shapes and options, for both kernel builds.

import { Linear, type Nonlinearity, RNN, type Tensor } from "../mod.ts";
import { referenceForward } from "../_reference.ts";
import { assertAllClose, forwardShapes, pick, randomTensor, seededRandom } from "./_helpers.ts";

const FLAVORS = ["relaxed", "strict"] as const;

/** Runs `rnn` and the reference on the same input and compares both results. */
function compareWithReference(
  rnn: RNN,
  input: Tensor,
  h0: Tensor | undefined,
  label: string,
): void {
  const [output, hN] = rnn.forward(input, h0);
  const batched = input.shape.length === 3;
  const seqLen = batched && rnn.batchFirst ? input.shape[1] : input.shape[0];
  const batch = batched ? input.shape[rnn.batchFirst ? 0 : 1] : 1;
  const params = Object.fromEntries(rnn.namedParameters().map(([name, p]) => [name, p.data]));
  const expected = referenceForward(rnn, params, input.data, seqLen, batch, h0?.data);
  const rtol = rnn.nonlinearity === "relu" ? 1e-5 : 0;
  assertAllClose(output, { shape: output.shape, data: expected.output }, {
    rtol,
    label: `${label} output`,
  });
  assertAllClose(hN, { shape: hN.shape, data: expected.hN }, { rtol, label: `${label} hN` });
}

for (const simd of FLAVORS) {
  Deno.test(`RNN.forward() (${simd}) matches the scalar reference on 300 random configurations`, () => {
    const random = seededRandom(simd === "relaxed" ? 20261125 : 7);
    for (let trial = 0; trial < 300; trial++) {
      const options = {
        inputSize: pick(random, [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33]),
        hiddenSize: pick(random, [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 17, 31, 40]),
        numLayers: pick(random, [1, 1, 2, 3]),
        nonlinearity: pick(random, ["tanh", "relu", "sigmoid"] as Nonlinearity[]),
        bias: random() < 0.8,
        batchFirst: random() < 0.5,
        bidirectional: random() < 0.4,
        simd,
      };
      const rnn = new RNN(options);
      const seqLen = pick(random, [1, 1, 2, 3, 5, 8, 13]);
      const batch = pick(random, [1, 1, 2, 3, 4, 5, 6, 9]);
      const unbatched = random() < 0.15;
      const { input: shape, state } = forwardShapes(options, seqLen, batch, unbatched);
      const input = randomTensor(random, shape, 2);
      const h0 = random() < 0.5 ? randomTensor(random, state) : undefined;
      compareWithReference(
        rnn,
        input,
        h0,
        `trial ${trial} ${JSON.stringify(options)} input [${shape}]`,
      );
    }
  });

  Deno.test(`RNN.forward() (${simd}) matches the reference for long sequences and wide layers`, () => {
    const random = seededRandom(99);
    for (
      const [inputSize, hiddenSize, seqLen, batch] of [
        [3, 5, 300, 2],
        [130, 130, 4, 3],
        [64, 257, 3, 7],
        [1, 1, 500, 1],
        [32, 64, 50, 33],
      ]
    ) {
      const rnn = new RNN({ inputSize, hiddenSize, simd, numLayers: 2, bidirectional: true });
      compareWithReference(
        rnn,
        randomTensor(random, [seqLen, batch, inputSize]),
        undefined,
        `${hiddenSize}`,
      );
    }
  });
}

// The matrix products split rows into blocks (at least 20 rows, fewer the longer the rows), and
// each block into groups of five, groups of four and single rows: every row count from 1 to 45,
// with short rows and with rows long enough for 20-row blocks, against float64 sums.
Deno.test("Linear.forward() matches float64 sums for every mix of row groups and row blocks", () => {
  const random = seededRandom(45);
  for (const simd of FLAVORS) {
    for (const inFeatures of [3, 1701]) {
      const linear = new Linear({ inFeatures, outFeatures: 11, simd });
      const { weight, bias } = linear.stateDict();
      for (let rows = 1; rows <= 45; rows++) {
        const x = randomTensor(random, [rows, inFeatures]);
        const expected = new Float64Array(rows * 11);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < 11; j++) {
            let sum = bias.data[j];
            for (let k = 0; k < inFeatures; k++) {
              sum += x.data[r * inFeatures + k] * weight.data[j * inFeatures + k];
            }
            expected[r * 11 + j] = sum;
          }
        }
        assertAllClose(linear.forward(x), { shape: [rows, 11], data: expected }, {
          rtol: 1e-5,
          label: `${simd}, ${rows} rows of ${inFeatures}`,
        });
      }
    }
  }
});

Deno.test("both kernel builds give results within 1e-5 of each other", () => {
  const random = seededRandom(3);
  const relaxed = new RNN({ inputSize: 17, hiddenSize: 33, numLayers: 2, simd: "relaxed" });
  const strict = new RNN({ inputSize: 17, hiddenSize: 33, numLayers: 2, simd: "strict" });
  strict.loadStateDict(relaxed.stateDict());
  const input = randomTensor(random, [20, 3, 17]);
  const [a] = relaxed.forward(input);
  const [b] = strict.forward(input);
  assertAllClose(a, b, { label: "relaxed vs strict" });
});
