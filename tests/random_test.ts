// random.ts against torch 1.13's CPU random streams, bit for bit:
// tests/fixtures/make_random_fixtures.py wrote every file in tests/fixtures/random/.

import assert from "node:assert/strict";
import {
  defaultGenerator,
  Generator,
  Linear,
  manualSeed,
  normal_,
  rand,
  randn,
  RNN,
  type RNNOptions,
  type Tensor,
  tensor,
  uniform_,
} from "../mod.ts";

const FIXTURES = new URL("./fixtures/random/", import.meta.url);
// deno-lint-ignore no-explicit-any
const load = (name: string): any => JSON.parse(Deno.readTextFileSync(new URL(name, FIXTURES)));

interface Bits {
  shape: number[];
  bits: number[];
}
interface RnnModule {
  options: RNNOptions;
  parameters: { name: string; shape: number[]; bits: number[] }[];
}

function bitsOf(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

function floatOf(bits: number): number {
  return new Float32Array(new Uint32Array([bits]).buffer)[0];
}

/** Exact comparison of float32 bit patterns, reporting the first mismatch. */
function assertBits(actual: Float32Array, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const got = bitsOf(actual);
  const bad = got.flatMap((b, i) => (b === expected[i] ? [] : [i]));
  if (bad.length > 0) {
    const i = bad[0];
    assert.fail(
      `${what}: ${bad.length} of ${got.length} values differ; first at [${i}]: ` +
        `expected ${floatOf(expected[i])} (0x${expected[i].toString(16)}), ` +
        `got ${actual[i]} (0x${got[i].toString(16)})`,
    );
  }
}

function assertTensor(actual: Tensor, expected: Bits, what: string): void {
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  assertBits(actual.data, expected.bits, what);
}

/** new RNN() for each module in turn, against torch's named_parameters(). */
function checkModules(modules: RnnModule[], generator: Generator | undefined, what: string): void {
  for (const [m, module] of modules.entries()) {
    const params = new RNN({ ...module.options, generator }).stateDict();
    assert.deepEqual(Object.keys(params), module.parameters.map((p) => p.name), `${what}: names`);
    for (const p of module.parameters) {
      assertBits(params[p.name].data, p.bits, `${what} module ${m} ${p.name}`);
    }
  }
}

const LINEAR_FIXTURES: [number, number, number, { weight: number[]; bias: number[] }][] = load(
  "linear.json",
);

const seedFiles = [...Deno.readDirSync(FIXTURES)]
  .map((e) => e.name)
  .filter((name) => name.startsWith("seed-"))
  .sort();
assert.ok(seedFiles.length >= 8, "the seed fixtures are missing");

for (const file of seedFiles) {
  const fx = load(file);
  const seed = BigInt(fx.seed);
  const label = `seed ${fx.seed}`;

  Deno.test(`${label}: seed() is torch's initial_seed()`, () => {
    assert.equal(manualSeed(seed).seed(), BigInt(fx.initialSeed));
    assert.equal(new Generator(seed).initialSeed(), BigInt(fx.generatorInitialSeed));
    if (seed >= BigInt(Number.MIN_SAFE_INTEGER) && seed <= BigInt(Number.MAX_SAFE_INTEGER)) {
      assert.equal(new Generator(Number(seed)).seed(), BigInt(fx.initialSeed));
    }
  });

  Deno.test(`${label}: successive rand calls match torch.rand`, () => {
    manualSeed(seed);
    for (const [i, t] of (fx.rand as Bits[]).entries()) {
      assertTensor(rand(t.shape), t, `rand #${i} [${t.shape}]`);
    }
  });

  Deno.test(`${label}: successive randn calls match torch.randn (both paths, cache)`, () => {
    const g = new Generator(seed);
    for (const [i, t] of (fx.randn as Bits[]).entries()) {
      assertTensor(randn(t.shape, g), t, `randn #${i} [${t.shape}]`);
    }
  });

  Deno.test(`${label}: uniform_(from, to) matches torch's float32 uniform_`, () => {
    const g = new Generator(seed);
    for (const u of fx.uniform as { from: number; to: number; bits: number[] }[]) {
      const data = uniform_(new Float32Array(u.bits.length), u.from, u.to, g);
      assertBits(data, u.bits, `uniform_(${u.from}, ${u.to})`);
    }
  });

  Deno.test(`${label}: a mixed rand / randn / normal_ stream`, () => {
    const g = new Generator(seed);
    for (const [i, op] of fx.mixed.entries()) {
      const what = `mixed #${i} ${op.op}`;
      if (op.op === "rand") assertTensor(rand(op.shape, g), op, what);
      else if (op.op === "randn") assertTensor(randn(op.shape, g), op, what);
      else {
        const data = normal_(new Float32Array(op.bits.length), op.mean, op.std, g);
        assertBits(data, op.bits, `${what}(${op.mean}, ${op.std})`);
      }
    }
  });

  Deno.test(`${label}: manualSeed(s); new RNN() has torch's parameters, bit for bit`, () => {
    for (const rnn of fx.rnn as { name: string; modules: RnnModule[]; randAfter: number[] }[]) {
      manualSeed(seed);
      checkModules(rnn.modules, undefined, rnn.name);
      assertBits(rand([3]).data, rnn.randAfter, `${rnn.name}: rand after the modules`);
    }
  });
}

Deno.test("lecture: manual_seed(0); nn.RNN(1, 2, batch_first=True) prints torch's numbers", () => {
  const fx = load("lecture.json");
  const rnn = new RNN({ ...fx.options, generator: new Generator(0) });
  const params = rnn.stateDict();
  for (const n of Object.keys(fx.stateDict)) assertBits(params[n].data, fx.stateDict[n].bits, n);
  const [output, hN] = rnn.forward(tensor([[[1], [2], [3]]]));
  assert.equal(`${output}`, fx.outputStrNoGrad);
  assert.equal(`${hN}`, fx.hNStrNoGrad);
});

Deno.test("manualSeed(s); new Linear() has torch's parameters (kaiming_uniform_ with a = √5)", () => {
  for (const [seed, inF, outF, bits] of LINEAR_FIXTURES) {
    const linear = new Linear({
      inFeatures: inF,
      outFeatures: outF,
      generator: new Generator(seed),
    });
    assertBits(linear.stateDict().weight.data, bits.weight, `Linear(${inF}, ${outF}) weight`);
    assertBits(linear.stateDict().bias.data, bits.bias, `Linear(${inF}, ${outF}) bias`);
  }
});

Deno.test("large streams: randn(4099), 200 x randn(15), uniform_ over 4096", () => {
  const fx = load("large.json");
  assertBits(randn([4099], new Generator(7)).data, fx.randn4099Seed7, "randn(4099)");
  const g = new Generator(8);
  const small = new Float32Array(3000);
  for (let i = 0; i < 200; i++) small.set(randn([15], g).data, 15 * i);
  assertBits(small, fx.randn15x200Seed8, "200 x randn(15)");
  const u = fx.uniform4096Seed9;
  assertBits(
    uniform_(new Float32Array(4096), u.from, u.to, new Generator(9)),
    u.bits,
    "uniform_ 4096",
  );
});

Deno.test("new torch.Generator() seed 67280421310721; ours seeds from crypto", () => {
  const fx = load("default-seed.json");
  const g = new Generator(BigInt(fx.newGeneratorInitialSeed));
  assertBits(rand([5], g).data, fx.newGeneratorRand5, "rand(5)");
  const a = new Generator().seed();
  const b = new Generator().seed();
  assert.notEqual(a, b);
  assert.ok(a >= 0n && a < 1n << 64n);
});

Deno.test("MT19937 reference outputs (seed 5489)", () => {
  const g = new Generator(5489);
  assert.deepEqual([g.nextUint32(), g.nextUint32(), g.nextUint32()], [
    3499211612,
    581869302,
    3890346734,
  ]);
  const h = new Generator(5489);
  for (let i = 0; i < 9999; i++) h.nextUint32();
  assert.equal(h.nextUint32(), 4123659995); // the C++ standard's check value
});

Deno.test("seeds are taken modulo 2^64 and MT19937 uses their low 32 bits", () => {
  const a = rand([8], new Generator(5)).data;
  assert.deepEqual(rand([8], new Generator(2 ** 32 + 5)).data, a);
  assert.deepEqual(rand([8], new Generator((1n << 40n) + 5n)).data, a);
  assert.equal(new Generator(-1).seed(), (1n << 64n) - 1n);
  assert.equal(new Generator(-(2n ** 63n)).seed(), 2n ** 63n);
  const g = new Generator(1);
  assert.equal(g.manualSeed(2), g, "manualSeed returns the generator");
  assert.equal(manualSeed(4), defaultGenerator);
});

Deno.test("manualSeed drops the cached normal value", () => {
  const g = new Generator(3);
  const first = randn([1], g).data[0];
  randn([1], g); // would use the cached value
  g.manualSeed(3);
  assert.equal(randn([1], g).data[0], first);
});

Deno.test("nextUint64 and nextDouble follow random64()", () => {
  const g = new Generator(11);
  const h = new Generator(11);
  const hi = g.nextUint32();
  const lo = g.nextUint32();
  assert.equal(h.nextUint64(), (BigInt(hi) << 32n) | BigInt(lo));
  const k = new Generator(11);
  const expected = Number(((BigInt(hi) << 32n) | BigInt(lo)) & ((1n << 53n) - 1n)) / 2 ** 53;
  assert.equal(k.nextDouble(), expected);
});

Deno.test("rand / randn / uniform_ edge cases", () => {
  assert.deepEqual(rand([0, 3]).data.length, 0);
  assert.deepEqual([...randn([]).shape], []);
  assert.equal(randn([]).data.length, 1);
  const same = uniform_(new Float32Array(4), 3, 3, new Generator(0));
  assert.deepEqual([...same], [3, 3, 3, 3]);
  const zero = normal_(new Float32Array(16), 2, 0, new Generator(0));
  assert.deepEqual([...zero], new Array(16).fill(2));
});

Deno.test("bad arguments name the argument, expected and actual", () => {
  const g = new Generator(0);
  assert.throws(() => g.manualSeed(1.5), {
    name: "TypeError",
    message: "seed must be an integer number or a bigint: got 1.5",
  });
  assert.throws(() => g.manualSeed(1n << 64n), {
    name: "RangeError",
    message: "seed must be in [-2^63, 2^64 - 1] (as torch.manual_seed): got 18446744073709551616",
  });
  assert.throws(() => new Generator(-(2n ** 63n) - 1n), RangeError);
  assert.throws(() => manualSeed("3" as unknown as number), /seed must be an integer/);
  assert.throws(() => uniform_(new Float32Array(2), 1, 0, g), {
    name: "RangeError",
    message: "uniform_ expects from <= to: got from=1 > to=0",
  });
  assert.throws(() => uniform_(new Float32Array(2), 0, Infinity, g), {
    name: "RangeError",
    message: "to must be a number within the float32 range: got Infinity",
  });
  assert.throws(() => uniform_(new Float32Array(2), NaN, 1, g), /from must be a number/);
  assert.throws(() => uniform_(new Float32Array(2), -3e38, 3e38, g), /to - from <= the float32/);
  assert.throws(() => uniform_([0, 0] as unknown as Float32Array, 0, 1, g), {
    name: "TypeError",
    message: "data must be a Float32Array: got an array of length 2",
  });
  assert.throws(() => uniform_(new Float32Array(2), 0, 1, {} as Generator), {
    name: "TypeError",
    message: "generator must be a Generator: got an object (Object)",
  });
  assert.throws(() => normal_(new Float32Array(2), 0, -1, g), {
    name: "RangeError",
    message: "std must be a number >= 0: got -1",
  });
  assert.throws(() => rand([2, -1]), {
    name: "RangeError",
    message: "shape[1] must be a non-negative integer: got -1",
  });
  assert.throws(() => randn(3 as unknown as number[]), /shape must be an array/);
  assert.throws(
    () => new RNN({ inputSize: 1, hiddenSize: 2, generator: {} as Generator }),
    /generator must be a Generator: got an object \(Object\)/,
  );
});
