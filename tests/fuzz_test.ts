// Seeded fuzzing: thousands of random configurations against the scalar
// reference, malformed arguments to every public entry point, and memory
// that stays put under thousands of mixed calls.

import assert from "node:assert/strict";
import { Linear, type Nonlinearity, RNN, RNNModel, Tensor } from "../mod.ts";
import { referenceForward } from "../_reference.ts";
import { assertAllClose, forwardShapes, randomTensor, seededRandom } from "./_helpers.ts";

const int = (random: () => number, lo: number, hi: number) =>
  lo + Math.floor(random() * (hi - lo + 1));

Deno.test("fuzz: 3000 random RNN configurations, shapes and lengths match the scalar reference", () => {
  const random = seededRandom(2026);
  const started = performance.now();
  for (let trial = 0; trial < 3000; trial++) {
    const large = trial % 100 === 99;
    const options = {
      inputSize: large ? int(random, 60, 140) : int(random, 1, 12),
      hiddenSize: large ? int(random, 60, 140) : int(random, 1, 12),
      numLayers: int(random, 1, 3),
      nonlinearity: (["tanh", "relu", "sigmoid"] as Nonlinearity[])[int(random, 0, 2)],
      bias: random() < 0.8,
      batchFirst: random() < 0.5,
      bidirectional: random() < 0.4,
      simd: random() < 0.5 ? "relaxed" as const : "strict" as const,
    };
    const rnn = new RNN(options);
    const seqLen = int(random, 1, large ? 6 : 10), batch = int(random, 1, large ? 4 : 6);
    const unbatched = random() < 0.1;
    const { input: shape, state } = forwardShapes(options, seqLen, batch, unbatched);
    const input = randomTensor(random, shape, 3);
    const h0 = random() < 0.3 ? randomTensor(random, state) : undefined;
    const lengths = !unbatched && random() < 0.3
      ? Array.from({ length: batch }, () => int(random, 1, seqLen))
      : undefined;
    const [output, hN] = rnn.forward(input, h0, { lengths });
    const params = Object.fromEntries(rnn.namedParameters().map(([n, p]) => [n, p.data]));
    const expected = referenceForward(
      rnn,
      params,
      input.data,
      seqLen,
      unbatched ? 1 : batch,
      h0?.data,
      lengths,
    );
    const label = `trial ${trial}: ${JSON.stringify(options)} shape [${shape}] lengths [${
      lengths ?? ""
    }]`;
    const rtol = options.nonlinearity === "relu" ? 1e-5 : 0;
    assertAllClose(output, { shape: output.shape, data: expected.output }, { rtol, label });
    assertAllClose(hN, { shape: hN.shape, data: expected.hN }, { rtol, label });
  }
  assert.ok(performance.now() - started < 60_000, "the fuzz run stays well under a minute");
});

/** Values that are wrong for almost any argument. */
const MALFORMED: unknown[] = [
  undefined,
  null,
  NaN,
  -0,
  -1,
  0.5,
  Infinity,
  2 ** 53,
  1e300,
  "3",
  "",
  true,
  [],
  [[1, 2], [3]],
  {},
  { shape: [1, 1, 1], data: [0] },
  () => 0,
  Symbol("x"),
  10n,
  new Float64Array(3),
];

/** Asserts `fn` either succeeds or throws an ordinary Error with a message (never a trap). */
function assertCleanOutcome(fn: () => unknown, label: string): void {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof Error, `${label}: threw a non-Error ${String(error)}`);
    assert.ok(
      !(error instanceof WebAssembly.RuntimeError),
      `${label}: a WebAssembly trap: ${error.message}`,
    );
    assert.ok(error.message.length > 10, `${label}: an unclear message "${error.message}"`);
    assert.doesNotMatch(
      error.message,
      /Cannot read properties|is not a function|is not iterable|Invalid typed array length|Cannot convert|Maximum call stack/,
      `${label}: an engine error leaked instead of a clear one`,
    );
  }
}

Deno.test("fuzz: malformed arguments to every public entry point give a clear Error, never a trap", () => {
  const rnn = new RNN({ inputSize: 2, hiddenSize: 3 });
  const linear = new Linear({ inFeatures: 2, outFeatures: 2 });
  const model = new RNNModel({ rnn: { inputSize: 2, hiddenSize: 3 }, head: { outFeatures: 1 } });
  const good = Tensor.zeros([2, 1, 2]);
  const optionNames = [
    "inputSize",
    "hiddenSize",
    "numLayers",
    "nonlinearity",
    "bias",
    "batchFirst",
    "dropout",
    "bidirectional",
    "simd",
  ];
  let count = 0;
  for (const bad of MALFORMED) {
    const label = `value ${typeof bad === "symbol" ? "symbol" : String(bad)}`;
    const calls: [string, () => unknown][] = [
      ["new RNN(bad)", () => new RNN(bad as never)],
      ["rnn.forward(bad)", () => rnn.forward(bad as never)],
      ["rnn.forward(x, bad)", () => rnn.forward(good, bad as never)],
      ["rnn.forward(x, h0, bad)", () => rnn.forward(good, undefined, bad as never)],
      [
        "rnn.forward(x, h0, { lengths: bad })",
        () => rnn.forward(good, undefined, { lengths: bad as never }),
      ],
      ["rnn.step(bad)", () => rnn.step(bad as never)],
      ["rnn.loadStateDict(bad)", () => rnn.loadStateDict(bad as never)],
      [
        "rnn.loadStateDict({ weight_ih_l0: bad })",
        () => rnn.loadStateDict({ ...rnn.stateDict(), weight_ih_l0: bad as never }),
      ],
      ["RNN.fromStateDict(bad)", () => RNN.fromStateDict(bad as never)],
      ["new Linear(bad)", () => new Linear(bad as never)],
      ["linear.forward(bad)", () => linear.forward(bad as never)],
      ["new RNNModel(bad)", () => new RNNModel(bad as never)],
      ["model.forward(bad)", () => model.forward(bad as never)],
      ["model.loadStateDict(bad)", () => model.loadStateDict(bad as never)],
      ["new Tensor(bad)", () => new Tensor(bad as never)],
      ["new Tensor([2], bad)", () => new Tensor([2], bad as never)],
      ["Tensor.from(bad)", () => Tensor.from(bad as never)],
      ...optionNames.map((name): [string, () => unknown] => [
        `new RNN({ ${name}: bad })`,
        () => new RNN({ inputSize: 2, hiddenSize: 3, [name]: bad }),
      ]),
    ];
    for (const [call, fn] of calls) {
      assertCleanOutcome(fn, `${call} with ${label}`);
      count++;
    }
  }
  // The instances still work afterwards.
  assert.deepEqual(rnn.forward(good)[0].shape, [2, 1, 3]);
  assert.ok(count > 500);
});

Deno.test("10,000 forward calls of mixed sizes never grow memory past the largest problem's need", () => {
  const random = seededRandom(77);
  const rnn = new RNN({ inputSize: 6, hiddenSize: 10, numLayers: 2, bidirectional: true });
  const sizes = Array.from({ length: 10_000 }, () => [int(random, 1, 30), int(random, 1, 8)]);
  const inputs = new Map<string, Tensor>();
  const inputFor = (seqLen: number, batch: number) => {
    const key = `${seqLen},${batch}`;
    if (!inputs.has(key)) inputs.set(key, randomTensor(random, [seqLen, batch, 6]));
    return inputs.get(key)!;
  };
  // The largest problem alone fixes how much memory is needed.
  const probe = new RNN({ inputSize: 6, hiddenSize: 10, numLayers: 2, bidirectional: true });
  probe.forward(inputFor(30, 8));
  const largest = probe.memoryBytes;
  for (const [seqLen, batch] of sizes) rnn.forward(inputFor(seqLen, batch));
  assert.ok(rnn.memoryBytes <= largest, `${rnn.memoryBytes} > ${largest}`);
});
