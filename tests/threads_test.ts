// threads: 2 runs each forward on this thread and a Worker sharing one
// WebAssembly memory; results must be those of one thread, bit for bit.

import assert from "node:assert/strict";
import { type Nonlinearity, RNN, Tensor } from "../mod.ts";
import { randomTensor, seededRandom } from "./_helpers.ts";
import { type RnnGeometry, RnnKernel, WAIT_FOR_WORKER_FLOPS } from "../_kernels.ts";

const int = (random: () => number, lo: number, hi: number) =>
  lo + Math.floor(random() * (hi - lo + 1));

/** The lines a script run by `deno eval` in a child process prints; fails when it fails. */
async function printedBy(script: string): Promise<string[]> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-prompt", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout).trim().split("\n");
}

Deno.test("threads: 2 gives one thread's results bit for bit on random configurations", async () => {
  const random = seededRandom(12);
  for (let trial = 0; trial < 40; trial++) {
    const options = {
      inputSize: int(random, 1, 40),
      // The second thread joins from N·H² = 65536 per step: stay above that (and odd sizes).
      hiddenSize: int(random, 64, 130),
      numLayers: int(random, 1, 3),
      nonlinearity: (["tanh", "relu", "sigmoid"] as Nonlinearity[])[int(random, 0, 2)],
      bias: random() < 0.8,
      batchFirst: random() < 0.5,
      bidirectional: random() < 0.5,
    };
    const one = new RNN(options);
    using two = new RNN({ ...options, threads: 2 });
    two.loadStateDict(one.stateDict());
    await two.ready;
    assert.equal(two.threads, 2);
    const seqLen = int(random, 1, 8), batch = int(random, 16, 20);
    const shape = options.batchFirst
      ? [batch, seqLen, options.inputSize]
      : [seqLen, batch, options.inputSize];
    const D = options.bidirectional ? 2 : 1;
    for (let call = 0; call < 3; call++) {
      const input = randomTensor(random, shape, 2);
      const h0 = random() < 0.5
        ? randomTensor(random, [D * options.numLayers, batch, options.hiddenSize])
        : undefined;
      const lengths = random() < 0.4
        ? Array.from({ length: batch }, () => int(random, 1, seqLen))
        : undefined;
      const [a, ha] = one.forward(input, h0, { lengths });
      const [b, hb] = two.forward(input, h0, { lengths });
      const label = `trial ${trial} call ${call} ${JSON.stringify(options)} [${shape}] lengths [${
        lengths ?? ""
      }]`;
      assert.deepEqual(b.data, a.data, label);
      assert.deepEqual(hb.data, ha.data, label);
    }
  }
});

Deno.test("a threads: 2 model works on one thread before ready, for small problems and after close()", async () => {
  const random = seededRandom(13);
  const one = new RNN({ inputSize: 5, hiddenSize: 65, numLayers: 2 });
  const two = new RNN({ inputSize: 5, hiddenSize: 65, numLayers: 2, threads: 2 });
  two.loadStateDict(one.stateDict());
  const input = randomTensor(random, [7, 16, 5]);
  const small = randomTensor(random, [3, 1, 5]);
  const [expected] = one.forward(input);
  assert.deepEqual(two.forward(input)[0].data, expected.data); // before the Worker is up
  await two.ready;
  assert.equal(two.threads, 2);
  assert.deepEqual(two.forward(input)[0].data, expected.data);
  assert.deepEqual(two.forward(small)[0].data, one.forward(small)[0].data);
  two.close();
  assert.equal(two.threads, 1);
  assert.deepEqual(two.forward(input)[0].data, expected.data);
  two.close(); // twice is fine
});

Deno.test("threads accepts 1 or 2", () => {
  assert.throws(
    () => new RNN({ inputSize: 1, hiddenSize: 2, threads: 3 as never }),
    /threads must be 1 or 2: got 3/,
  );
  assert.equal(new RNN({ inputSize: 1, hiddenSize: 2 }).threads, 1);
});

Deno.test("threads: 2 with the strict build gives the strict build's results bit for bit", async () => {
  const random = seededRandom(15);
  const options = { inputSize: 12, hiddenSize: 72, numLayers: 2, simd: "strict" as const };
  for (const bidirectional of [false, true]) {
    const one = new RNN({ ...options, bidirectional });
    using two = new RNN({ ...options, bidirectional, threads: 2 });
    two.loadStateDict(one.stateDict());
    await two.ready;
    assert.equal(two.threads, 2);
    const input = randomTensor(random, [9, 17, 12]);
    assert.deepEqual(two.forward(input)[0].data, one.forward(input)[0].data);
  }
});

Deno.test("without SharedArrayBuffer, threadsSupported is false and threads: 2 a clear error", async () => {
  assert.equal(RNN.threadsSupported, true, "Deno has everything threads: 2 needs");
  // As on a browser page that is not cross-origin isolated.
  const script = `
    delete globalThis.SharedArrayBuffer;
    const { RNN, Tensor } = await import(${
    JSON.stringify(new URL("../mod.ts", import.meta.url).href)
  });
    console.log(RNN.threadsSupported);
    try {
      new RNN({ inputSize: 1, hiddenSize: 2, threads: 2 });
    } catch (error) {
      console.log(error.message);
    }
    console.log(new RNN({ inputSize: 1, hiddenSize: 2 }).forward(Tensor.zeros([3, 1]))[0].shape);
  `;
  const [supported, message, shape] = await printedBy(script);
  assert.equal(supported, "false");
  assert.match(
    message,
    /^threads: 2 needs .*; this engine lacks SharedArrayBuffer \(a browser .* cross-origin isolated pages\)\. RNN\.threadsSupported/,
  );
  assert.equal(shape, "[ 3, 2 ]");
});

Deno.test("ready settles when close() comes before the Worker is up", async () => {
  const rnn = new RNN({ inputSize: 3, hiddenSize: 64, threads: 2 });
  rnn.close();
  await rnn.ready;
  assert.equal(rnn.threads, 1);
  assert.deepEqual(rnn.forward(Tensor.zeros([2, 3]))[0].shape, [2, 64]);
});

Deno.test("an idle second thread stops itself, so a script that never calls close() exits", async () => {
  const script = `
    import { RNN, Tensor } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
    const rnn = new RNN({ inputSize: 8, hiddenSize: 128, threads: 2 });
    await rnn.ready;
    console.log(rnn.threads, rnn.forward(Tensor.zeros([10, 8, 8]))[0].shape.join("x"));
  `;
  const started = performance.now();
  assert.deepEqual(await printedBy(script), ["2 10x8x128"]);
  assert.ok(performance.now() - started < 15_000, "the process exited soon after its last forward");
});

Deno.test("after its Worker stopped when idle, a model still computes right and starts a new one", async () => {
  const random = seededRandom(14);
  const one = new RNN({ inputSize: 4, hiddenSize: 64, numLayers: 2 });
  using two = new RNN({ inputSize: 4, hiddenSize: 64, numLayers: 2, threads: 2 });
  two.loadStateDict(one.stateDict());
  await two.ready;
  const input = randomTensor(random, [6, 16, 4]);
  assert.deepEqual(two.forward(input)[0].data, one.forward(input)[0].data);
  await new Promise((resolve) => setTimeout(resolve, 1600));
  assert.equal(two.threads, 1, "the idle Worker has stopped");
  assert.deepEqual(two.forward(input)[0].data, one.forward(input)[0].data);
  const threadsNow = (): number => two.threads; // read afresh: it changes between awaits
  for (let wait = 0; threadsNow() !== 2 && wait < 100; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(threadsNow(), 2, "a new Worker took its place");
  assert.deepEqual(two.forward(input)[0].data, one.forward(input)[0].data);
});

Deno.test("a very large forward waits for a starting Worker: at first and after it stopped when idle", async () => {
  // 64 sequences × 125 steps × 2·(1 + 512)·512 FLOPs ≈ 4.2 GFLOP, just above the threshold.
  const [seqLen, batch] = [125, 64];
  const geometry = { inputSize: 1, hiddenSize: 512, numLayers: 1, directions: 1, activation: 1 };
  assert.ok(seqLen * batch * 2 * (1 + 512) * 512 >= WAIT_FOR_WORKER_FLOPS);
  const kernel = new RnnKernel(geometry as RnnGeometry, "relaxed", 2);
  try {
    const weights = {
      weightIh: new Float32Array(512).fill(0.01),
      weightHh: new Float32Array(512 * 512).fill(0.001),
    };
    kernel.uploadWeights([weights]);
    const input = new Float32Array(seqLen * batch).fill(1);
    const resultBytes = (seqLen + 1) * batch * 512 * 4;
    const first = kernel.forward(input, seqLen, batch, true, undefined).output;
    assert.equal(kernel.lastRunThreads, 2, "the first forward waited for the Worker");
    kernel.forward(input, seqLen, batch, true, undefined); // a repeated size: a buffer is mapped
    await within(kernel.ready, 5000, "ready");
    assert.equal(kernel.mappedResultBytes, resultBytes);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    assert.equal(kernel.threads, 1, "the idle Worker has stopped");
    assert.equal(kernel.mappedResultBytes, 0, "and the model holds no mapped buffer for it");
    const again = kernel.forward(input, seqLen, batch, true, undefined).output;
    assert.equal(kernel.lastRunThreads, 2, "the next forward waited for a new Worker");
    assert.deepEqual(again, first);
    await within(kernel.ready, 5000, "ready");
    assert.equal(
      kernel.mappedResultBytes,
      resultBytes,
      "the size still repeats: the new Worker maps",
    );
    kernel.forward(input.subarray(0, 64), 1, batch, true, undefined);
    assert.equal(kernel.lastRunThreads, 2, "a small forward uses the Worker that is up");
  } finally {
    kernel.close();
  }
});

Deno.test("threads: 2 gives one thread's results bit for bit when products span several row blocks", async () => {
  const random = seededRandom(16);
  // Rows of 1701 floats make 20-row blocks of the input projection (and k is not a multiple of
  // 4); 520 sequences of H = 64 make two row blocks of every recurrence step.
  for (const [inputSize, hiddenSize, seqLen, batch] of [[1701, 64, 3, 23], [5, 64, 2, 520]]) {
    for (const [withLengths, bidirectional] of [[false, false], [true, false], [true, true]]) {
      const options = { inputSize, hiddenSize, numLayers: 2, bidirectional };
      const one = new RNN(options);
      using two = new RNN({ ...options, threads: 2 });
      two.loadStateDict(one.stateDict());
      await two.ready;
      assert.equal(two.threads, 2);
      const input = randomTensor(random, [seqLen, batch, inputSize]);
      const lengths = withLengths
        ? Array.from({ length: batch }, () => int(random, 1, seqLen))
        : undefined;
      const [a, ha] = one.forward(input, undefined, { lengths });
      const [b, hb] = two.forward(input, undefined, { lengths });
      const label = `[${seqLen}, ${batch}, ${inputSize}] H=${hiddenSize} lengths ${withLengths} ` +
        `bidirectional ${bidirectional}`;
      assert.deepEqual(b.data, a.data, label);
      assert.deepEqual(hb.data, ha.data, label);
    }
  }
});

Deno.test("ready waits for the latest Worker, not for a stopped one's late message", async () => {
  using rnn = new RNN({ inputSize: 8, hiddenSize: 128, threads: 2 });
  // Keep this thread busy: the first Worker starts, says it is ready, waits a second for work
  // and stops itself, while its message waits here to be delivered.
  const until = performance.now() + 2500;
  while (performance.now() < until) { /* no event loop turn */ }
  rnn.forward(Tensor.zeros([2, 8, 8])); // finds it stopped: starts a new one, runs on one thread
  await rnn.ready;
  assert.equal(rnn.threads, 2);
});

Deno.test("a threads: 2 model whose construction fails stops its Worker at once", async () => {
  // Workers are counted in a child process, which replaces Worker before the module takes it.
  // One left behind by a failed construction would stop itself only after a second idle.
  const script = `
    let running = 0;
    const NativeWorker = globalThis.Worker;
    globalThis.Worker = class extends NativeWorker {
      constructor(...args) {
        super(...args);
        running++;
      }
      terminate() {
        running--;
        super.terminate();
      }
    };
    const { RNN, RNNModel, Tensor } = await import(${
    JSON.stringify(new URL("../mod.ts", import.meta.url).href)
  });
    const rnn = { inputSize: 2, hiddenSize: 4, threads: 2 };
    const working = new RNNModel({ rnn, head: { outFeatures: 3 } });
    const record = working.stateDict();
    console.log(running);
    working.close();
    const failures = [
      () => new RNNModel({ rnn, head: { outFeatures: 0 } }),
      () => RNN.fromStateDict({ ...record, "rnn.bias_hh_l0": Tensor.zeros([5]) }, { threads: 2 }),
      () => RNNModel.fromStateDict({ ...record, "rnn.bias_hh_l0": Tensor.zeros([5]) }, { threads: 2 }),
      () => RNNModel.fromStateDict({ ...record, "fc.bias": Tensor.zeros([7]) }, { threads: 2 }),
    ];
    for (const fail of failures) {
      try {
        fail();
        console.log("no error");
      } catch (error) {
        console.log(error.message.slice(0, 40), running);
      }
    }
  `;
  const lines = await printedBy(script);
  assert.equal(lines[0], "1", "a model's Worker is counted");
  assert.equal(lines.length, 5, lines.join("\n"));
  // Each construction failed where a Worker had started, and none outlived it.
  const failures = [
    /^outFeatures must be a positive integer/,
    /^size mismatch for rnn\.bias_hh_l0/,
    /^size mismatch for rnn\.bias_hh_l0/,
    /^size mismatch for fc\.bias/,
  ];
  failures.forEach((failure, i) => assert.match(lines[i + 1], failure, lines.join(" | ")));
  for (const line of lines.slice(1)) {
    assert.match(line, / 0$/, `a Worker outlived a failure: ${lines.join(" | ")}`);
  }
});

Deno.test("a Worker that never answers is given up on and the forward reruns on one thread", async () => {
  // In a child process, so that the test can reach the Worker's control words: once the idle
  // Worker has stopped itself, the test marks it as waiting for work, and nobody takes the job.
  const script = `
    let shared;
    const NativeWorker = globalThis.Worker;
    globalThis.Worker = class extends NativeWorker {
      postMessage(message, ...rest) {
        if (message && message.memory) shared = message;
        super.postMessage(message, ...rest);
      }
    };
    const { RnnKernel } = await import(${
    JSON.stringify(new URL("../_kernels.ts", import.meta.url).href)
  });
    const geometry = { inputSize: 3, hiddenSize: 128, numLayers: 2, directions: 1, activation: 1 };
    const weights = [0, 1].map((layer) => ({
      weightIh: new Float32Array(128 * (layer ? 128 : 3)).map((_, i) => Math.sin(i) / 10),
      weightHh: new Float32Array(128 * 128).map((_, i) => Math.cos(i) / 20),
    }));
    const one = new RnnKernel(geometry, "relaxed", 1);
    const two = new RnnKernel(geometry, "relaxed", 2, { spinLimit: 1e8 });
    one.uploadWeights(weights);
    two.uploadWeights(weights);
    await two.ready;
    const input = new Float32Array(20 * 16 * 3).map((_, i) => Math.sin(i * 0.37));
    const expected = one.forward(input, 20, 16, false, undefined).output;
    const first = two.forward(input, 20, 16, false, undefined).output;
    console.log(first.every((v, i) => v === expected[i]), two.lastRunThreads);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the idle Worker stops itself
    new Int32Array(shared.memory.buffer, shared.control, 5)[4] = 1; // ...and is said to wait
    const memoryBefore = two.memoryBytes;
    // Into the caller's arrays (forward's out), which the rerun fills too.
    const into = { output: new Float32Array(20 * 16 * 128), hN: new Float32Array(2 * 16 * 128) };
    const got = two.forward(input, 20, 16, false, undefined, undefined, into).output;
    console.log(got.every((v, i) => v === expected[i]), two.lastRunThreads, two.threads);
    console.log(two.memoryBytes > memoryBefore); // fresh buffers: the stalled one may still write
    const again = two.forward(input, 20, 16, false, undefined).output;
    console.log(again.every((v, i) => v === expected[i]), two.lastRunThreads);
  `;
  assert.deepEqual(await printedBy(script), ["true 2", "true 1 1", "true", "true 1"]);
});

// A kernel of H = 64 whose forwards of 16 sequences run on two threads (N·H² = 65536).
function twoThreadTestKernels(): { one: RnnKernel; two: RnnKernel } {
  const geometry = { inputSize: 4, hiddenSize: 64, numLayers: 1, directions: 1, activation: 1 };
  const weights = [{
    weightIh: new Float32Array(64 * 4).map((_, i) => Math.sin(i) / 4),
    weightHh: new Float32Array(64 * 64).map((_, i) => Math.cos(i) / 16),
  }];
  const one = new RnnKernel(geometry as RnnGeometry, "relaxed", 1);
  const two = new RnnKernel(geometry as RnnGeometry, "relaxed", 2);
  one.uploadWeights(weights);
  two.uploadWeights(weights);
  return { one, two };
}

/** Fails instead of hanging when `promise` does not settle within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

Deno.test("the Worker maps the next large result's buffer when sizes repeat, and the next forward of that size uses it", async () => {
  const { one, two } = twoThreadTestKernels();
  try {
    await two.ready;
    const random = seededRandom(21);
    const forwardBoth = (seqLen: number) => {
      const input = new Float32Array(seqLen * 16 * 4).map(() => random() * 2 - 1);
      const expected = one.forward(input, seqLen, 16, true, undefined);
      const got = two.forward(input, seqLen, 16, true, undefined);
      assert.equal(two.lastRunThreads, 2);
      assert.deepEqual(got.output, expected.output, `seqLen ${seqLen}`);
      assert.deepEqual(got.hN, expected.hN, `seqLen ${seqLen}`);
      return (seqLen * 16 * 64 + 16 * 64) * 4; // bytes of output and h_n
    };
    // Small results are cheap to map: none is asked for.
    forwardBoth(200);
    await within(two.ready, 5000, "ready");
    assert.equal(two.mappedResultBytes, 0, "below 1 MiB");
    const bytes = forwardBoth(256); // just over 1 MiB
    await within(two.ready, 5000, "ready");
    assert.equal(two.mappedResultBytes, 0, "a size seen once is not asked for");
    forwardBoth(256);
    await within(two.ready, 5000, "ready");
    assert.equal(two.mappedResultBytes, bytes, "its repeat asked; ready waits for the buffer");
    forwardBoth(256);
    assert.equal(two.mappedResultBytes, 0, "the forward took it");
    await within(two.ready, 5000, "ready");
    assert.equal(two.mappedResultBytes, bytes);
    // Another size: the held buffer is dropped, and one of the new size follows its repeat.
    const longer = forwardBoth(300);
    await within(two.ready, 5000, "ready");
    assert.equal(two.mappedResultBytes, 0);
    forwardBoth(300);
    await within(two.ready, 5000, "ready");
    assert.equal(two.mappedResultBytes, longer);
    // Sizes that change at every call: nothing is asked for (the held one is dropped).
    for (let call = 0; call < 4; call++) {
      forwardBoth(call % 2 ? 300 : 256);
      await within(two.ready, 5000, "ready");
      assert.equal(two.mappedResultBytes, 0, `changing sizes, call ${call}`);
    }
    // A large forward that runs on one thread (N·H² too small for two) is a change too.
    const oneThreadInput = new Float32Array(600 * 8 * 4).fill(0.25);
    for (let call = 0; call < 4; call++) {
      if (call % 2) two.forward(oneThreadInput, 600, 8, true, undefined);
      else forwardBoth(256);
      await within(two.ready, 5000, "ready");
      assert.equal(two.mappedResultBytes, 0, `with a one-thread size, call ${call}`);
    }
    assert.equal(two.lastRunThreads, 1);
    // Back to back, with no event-loop turn between forwards: still right.
    for (let call = 0; call < 5; call++) forwardBoth(256);
    await within(two.ready, 5000, "ready");
    assert.equal(two.mappedResultBytes, bytes, "the one the second of them asked for");
    // Forwards into the caller's arrays (forward's out) leave it, of their size or
    // another, and ask for none.
    for (const seqLen of [256, 300, 300]) {
      const into = { output: new Float32Array(seqLen * 16 * 64), hN: new Float32Array(16 * 64) };
      const intoInput = new Float32Array(seqLen * 16 * 4).map(() => random() * 2 - 1);
      assert.equal(two.forward(intoInput, seqLen, 16, true, undefined, undefined, into), into);
      assert.equal(two.lastRunThreads, 2);
      const expected = one.forward(intoInput, seqLen, 16, true, undefined);
      assert.deepEqual(into.output, expected.output);
      assert.deepEqual(into.hN, expected.hN);
      await within(two.ready, 5000, "ready");
      assert.equal(two.mappedResultBytes, bytes, `into the caller's arrays, seqLen ${seqLen}`);
    }
    // A small forward leaves it for the next large one, and does not count as a change.
    forwardBoth(200);
    assert.equal(two.mappedResultBytes, bytes);
    forwardBoth(256);
    await within(two.ready, 5000, "ready");
    assert.equal(two.mappedResultBytes, bytes);
  } finally {
    two.close();
  }
});

Deno.test("close() drops the held buffer, and settles ready while one is being mapped", async () => {
  const input = new Float32Array(256 * 16 * 4).fill(0.5);
  const { two: holding } = twoThreadTestKernels();
  try {
    await holding.ready;
    holding.forward(input, 256, 16, true, undefined);
    holding.forward(input, 256, 16, true, undefined); // a repeated size: this one asks
    await within(holding.ready, 5000, "ready");
    assert.ok(holding.mappedResultBytes > 0);
    holding.close();
    assert.equal(holding.mappedResultBytes, 0, "close() dropped the held buffer");
  } finally {
    holding.close();
  }
  const { two: mapping } = twoThreadTestKernels();
  try {
    await mapping.ready;
    mapping.forward(input, 256, 16, true, undefined);
    mapping.forward(input, 256, 16, true, undefined);
    assert.equal(mapping.lastRunThreads, 2);
    // No event-loop turn since the forward (microtasks only): the buffer is still on its way.
    let settled = false;
    mapping.ready.then(() => settled = true);
    for (let tick = 0; tick < 10; tick++) await null;
    assert.equal(settled, false, "ready waits for the buffer asked for");
    mapping.close();
    await within(mapping.ready, 2000, "ready after close()");
    assert.equal(mapping.mappedResultBytes, 0);
    assert.equal(mapping.forward(input, 256, 16, true, undefined).output.length, 256 * 16 * 64);
    assert.equal(mapping.lastRunThreads, 1);
  } finally {
    mapping.close();
  }
});

Deno.test("forwards back to back get one buffer from the Worker, not one each, and use it, and alternating sizes get none", async () => {
  // In a child process, so that the test can see the Worker's messages.
  const script = `
    const received = [];
    const NativeWorker = globalThis.Worker;
    globalThis.Worker = class extends NativeWorker {
      constructor(...args) {
        super(...args);
        this.addEventListener("message", ({ data }) => {
          if (data instanceof ArrayBuffer) received.push(data);
        });
      }
    };
    const { RNN, Tensor } = await import(${
    JSON.stringify(new URL("../mod.ts", import.meta.url).href)
  });
    using rnn = new RNN({ inputSize: 4, hiddenSize: 64, batchFirst: true, threads: 2 });
    await rnn.ready;
    const settle = async () => {
      await rnn.ready;
      await new Promise((resolve) => setTimeout(resolve, 300));
    };
    // Two sizes of results over 1 MiB, alternating, with no event-loop turn in between:
    // none is asked for.
    const inputs = [Tensor.zeros([16, 256, 4]), Tensor.zeros([16, 300, 4])];
    for (let call = 0; call < 20; call++) rnn.forward(inputs[call % 2]);
    await settle();
    const afterAlternating = received.length;
    // One size, back to back: the second call asks, and the others find one on its way.
    for (let call = 0; call < 20; call++) rnn.forward(inputs[0]);
    await settle();
    const [output] = rnn.forward(inputs[0]);
    console.log(afterAlternating, received.length, received.includes(output.data.buffer));
  `;
  assert.deepEqual(await printedBy(script), ["0 1 true"]);
});
