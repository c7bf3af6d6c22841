// Our RNN against onnxruntime-web (WASM backend, SIMD, 1 thread) on W0–W4.
//
//   deno run --allow-read --allow-sys=cpus bench/peers.ts [--quick] [--json] [--only W1,W3]
//     [--simd relaxed|strict] [--threads 2] [--node] [--tfjs] [--budget SECONDS]
//
// Per workload, our RNN is built with random weights and onnxruntime-web gets
// an ONNX model of it built in code (bench/_onnx_model.ts: one ONNX RNN node
// per layer, the same weights); both get the same seeded random input and must
// agree to 1e-4 on output and h_n before they are timed.
// Timing interleaves batches of calls of each engine (alternating which goes
// first) after a warm-up, and reports the median of the per-call batch means
// (TensorFlow.js, far slower, only in some of the rounds). The rounds of each
// workload take about 20 s of our and onnxruntime-web's batches (--budget:
// seconds, for a longer, steadier run); the other engines add their own time.
//
// --node also times native onnxruntime-node (1 thread; needs -A for its addon).
// --tfjs also times TensorFlow.js 4.22.0's layers API (tf.layers.simpleRNN per
// layer, in tf.layers.bidirectional for W4) on its wasm backend, SIMD, 1 thread
// (bench/_tfjs_model.ts), checked against ours like onnxruntime-web; its
// packages are fetched and loaded only then.
//
// onnxruntime-web is imported from npm; under Deno it resolves to its Node
// build, which loads dist/ort-wasm-simd-threaded.wasm from next to itself (in
// Deno's npm cache, or node_modules/ when there is one) with node:fs: hence
// --allow-read, and no network beyond Deno's own npm fetch. --allow-sys=cpus
// (optional) names the CPU in the report.

// mod.ts first: onnxruntime-web replaces globalThis.Worker when it loads.
import { maxAbsDifference } from "../_compare.ts";
import { RNN, Tensor } from "../mod.ts";
// deno-lint-ignore no-import-prefix -- pinned here, not in deno.json's imports, which Deno installs before every task (even `example`)
import * as ort from "npm:onnxruntime-web@1.30.0";
// deno-lint-ignore no-import-prefix -- types only (not fetched by a run); pinned like the import in main
import type * as OrtNode from "npm:onnxruntime-node@1.30.0";
import { cpus } from "node:os";
import { referenceForward } from "../_reference.ts";
import { flops, memoryMeasure, WORKLOADS } from "./workloads.ts";
import { onnxRnnModel } from "./_onnx_model.ts";
import { loadTfjs, tfjsRnnModel } from "./_tfjs_model.ts";

const TOLERANCE = 1e-4;
const USAGE =
  "usage: deno run --allow-read --allow-sys=cpus bench/peers.ts [--quick] [--json] [--only W0,W1,...] [--simd relaxed|strict] [--threads 2] [--node] [--tfjs] [--budget SECONDS]";

interface Args {
  quick: boolean;
  json: boolean;
  only?: Set<string>;
  simd?: "relaxed" | "strict";
  threads?: 1 | 2;
  /** Also time native onnxruntime-node (1 thread); needs -A for its Node-API addon. */
  node: boolean;
  /** Also time TensorFlow.js (layers API, wasm backend, SIMD, 1 thread). */
  tfjs: boolean;
  /** Seconds of our and onnxruntime-web's batches per workload (the other engines add theirs). */
  budget?: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, json: false, node: false, tfjs: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === "--quick") args.quick = true;
    else if (flag === "--json") args.json = true;
    else if (flag === "--node") args.node = true;
    else if (flag === "--tfjs") args.tfjs = true;
    else if (flag === "--only") args.only = new Set(value().toUpperCase().split(","));
    else if (flag === "--budget") {
      const v = value();
      args.budget = Number(v);
      if (!/^\d+(\.\d+)?$/.test(v) || !(args.budget > 0)) {
        throw new Error(`bad --budget ${v}: expected a positive number of seconds\n${USAGE}`);
      }
    } else if (flag === "--threads") {
      const v = value();
      if (v !== "1" && v !== "2") throw new Error(`bad --threads ${v}\n${USAGE}`);
      args.threads = v === "2" ? 2 : 1;
    } else if (flag === "--simd") {
      const v = value();
      if (v !== "relaxed" && v !== "strict") throw new Error(`bad --simd ${v}\n${USAGE}`);
      args.simd = v;
    } else if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
  }
  return args;
}

// --- helpers ----------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so every run times the same input. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** The CPU's model name: node:os needs --allow-sys=cpus; /proc/cpuinfo needs -A under Deno. */
function cpuModel(): string {
  // Asked first so that a terminal run without the flag does not prompt.
  if (Deno.permissions.querySync({ name: "sys", kind: "cpus" }).state === "granted") {
    const model = cpus()[0]?.model?.trim();
    if (model) return model;
  }
  try {
    const line = Deno.readTextFileSync("/proc/cpuinfo").split("\n")
      .find((l) => /^(model name|Hardware|Processor)\s*:/.test(l));
    if (line) return line.split(":").slice(1).join(":").trim();
  } catch { /* not Linux, or no access (Deno wants --allow-all for /proc) */ }
  return "unknown CPU (run with --allow-sys=cpus)";
}

const log = (msg: string) => console.error(msg);

// --- main -------------------------------------------------------------------

interface Result {
  workload: string;
  flops: number;
  oursMs: number;
  ortMs: number;
  oursIqrMs: [number, number];
  ortIqrMs: [number, number];
  ratio: number;
  /** With --node: native onnxruntime-node on 1 thread, timed in the same rounds. */
  nodeMs?: number;
  /** With --node: the rounds in which our batch mean was below onnxruntime-node's. */
  fasterThanNodeRounds?: number;
  /**
   * With --threads 2: the two-thread model, timed in the same rounds in a batch after
   * `await ready` (so that its first call's result memory is mapped by the Worker, as
   * between a server's requests).
   */
  twoThreadsMs?: number;
  /** With --threads 2: the same, timed in a batch of calls back to back (no memory mapped ahead). */
  twoThreadsBackToBackMs?: number;
  /** With --tfjs: TensorFlow.js (layers, wasm backend, 1 thread), timed in the same rounds. */
  tfjsMs?: number;
  /** With --tfjs: the interquartile range of its batch means. */
  tfjsIqrMs?: [number, number];
  /** With --tfjs: its largest difference from our output and h_n. */
  tfjsMaxAbsDiff?: { output: number; hN: number };
  oursGflops: number;
  ortGflops: number;
  rounds: number;
  callsPerBatch: { ours: number; ort: number; tfjs?: number };
  maxAbsDiff: { output: number; hN: number };
  referenceMaxAbsDiff?: { output: number; hN: number };
  memoryBytes: number;
  ioWeightBytes: number;
  /** One layer's input projection buffer (L·N rows of H padded to whole panels), in bytes. */
  projectionBytes: number;
}

async function main() {
  const args = parseArgs(Deno.args);
  // A computed specifier: Deno fetches every npm package a literal import() names
  // when the program starts, even on runs without --node.
  const ortNodeSpecifier = "npm:onnxruntime-node@1.30.0";
  const ortNode = args.node
    ? await (import(ortNodeSpecifier) as Promise<typeof OrtNode>)
    : undefined;
  const tfjs = args.tfjs ? await loadTfjs() : undefined;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.simd = true;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = "error";

  // Per-workload timing budget (both engines together), batch target, rounds.
  const budgetMs = (args.budget ?? (args.quick ? 3 : 20)) * 1000;
  const batchMs = args.quick ? 10 : 25;
  const minRounds = args.quick ? 3 : 7;
  const maxRounds = args.quick && args.budget === undefined
    ? 10
    : Math.max(60, Math.round(budgetMs * 3 / 1000));

  const env = {
    cpu: cpuModel(),
    cores: navigator.hardwareConcurrency,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    ortWeb: ort.env.versions.web ?? "?",
    ortThreads: 1,
    simd: "",
    tfjs: tfjs?.description,
  };
  const results: Result[] = [];
  let failed = false;
  const unknown = [...args.only ?? []].filter((name) => !WORKLOADS.some((w) => w.name === name));
  if (unknown.length) throw new Error(`unknown workload(s) ${unknown.join(", ")}\n${USAGE}`);

  for (const [k, workload] of WORKLOADS.entries()) {
    if (args.only && !args.only.has(workload.name)) continue;
    const N = workload.batch, L = workload.seqLen, Hin = workload.options.inputSize;
    const rnn = new RNN({ ...workload.options, simd: args.simd });
    env.simd = rnn.simd;
    // With --threads 2, a two-thread twin is timed in the same rounds (same weights).
    const twin = args.threads === 2 ? new RNN({ ...workload.options, threads: 2 }) : undefined;
    twin?.loadStateDict(rnn.stateDict());
    await twin?.ready;
    const stateDict = rnn.stateDict();
    const onnx = onnxRnnModel(rnn, workload);
    const session = await ort.InferenceSession.create(onnx, {
      executionProviders: ["wasm"],
      graphOptimizationLevel: "all",
    });
    const nodeSession = await ortNode?.InferenceSession.create(onnx, {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    const tfjsModel = tfjs && tfjsRnnModel(tfjs, rnn, workload);

    const next = random(1000 + k);
    const x = new Float32Array(N * L * Hin);
    for (let i = 0; i < x.length; i++) x[i] = next() * 2 - 1;
    const input = new Tensor([N, L, Hin], x);
    const feeds = { x: new ort.Tensor("float32", x, [N, L, Hin]) };

    // --- agreement ---
    const [output, hN] = rnn.forward(input);
    const peer = await session.run(feeds);
    const peerOut = peer.output, peerHn = peer.h_n;
    const shapeOk = peerOut.dims.join() === output.shape.join() &&
      peerHn.dims.join() === hN.shape.join();
    const diff = {
      output: shapeOk ? maxAbsDifference(output.data, peerOut.data as Float32Array) : Infinity,
      hN: shapeOk ? maxAbsDifference(hN.data, peerHn.data as Float32Array) : Infinity,
    };
    // The scalar float64 reference as a third opinion where it is cheap enough.
    let refDiff: Result["referenceMaxAbsDiff"];
    if (flops(workload) <= 1e9) {
      const params = Object.fromEntries(
        Object.entries(stateDict).map(([name, t]) => [name, t.data]),
      );
      const ref = referenceForward(rnn, params, x, L, N);
      refDiff = {
        output: maxAbsDifference(output.data, ref.output),
        hN: maxAbsDifference(hN.data, ref.hN),
      };
    }
    const ok = diff.output <= TOLERANCE && diff.hN <= TOLERANCE &&
      (!refDiff || (refDiff.output <= TOLERANCE && refDiff.hN <= TOLERANCE));
    log(
      `${workload.name}: max |ours - ort| output ${diff.output.toExponential(2)}, h_n ${
        diff.hN.toExponential(2)
      }` +
        (refDiff
          ? `; max |ours - reference| output ${refDiff.output.toExponential(2)}, h_n ${
            refDiff.hN.toExponential(2)
          }`
          : "") +
        (ok ? " ok" : `  MISMATCH (tolerance ${TOLERANCE}, shapes ${shapeOk ? "ok" : "differ"})`),
    );
    const tfjsPeer = tfjsModel?.run(x);
    const tfjsDiff = tfjsPeer && {
      output: maxAbsDifference(output.data, tfjsPeer.output),
      hN: maxAbsDifference(hN.data, tfjsPeer.hN),
    };
    const tfjsOk = !tfjsDiff || (tfjsDiff.output <= TOLERANCE && tfjsDiff.hN <= TOLERANCE);
    if (tfjsDiff) {
      log(
        `${workload.name}: max |ours - tfjs| output ${tfjsDiff.output.toExponential(2)}, h_n ${
          tfjsDiff.hN.toExponential(2)
        }` + (tfjsOk ? " ok" : `  MISMATCH (tolerance ${TOLERANCE})`),
      );
    }
    if (!ok || !tfjsOk) {
      failed = true;
      console.error(
        `%cFAIL: ${workload.name}: our RNN and ${
          ok ? "TensorFlow.js" : "onnxruntime-web"
        } disagree; not timing it`,
        "color: red; font-weight: bold",
      );
      twin?.close();
      tfjsModel?.dispose();
      continue;
    }

    // --- timing ---
    const ours = () => void rnn.forward(input);
    const theirs = async () => void (await session.run(feeds));
    const warm = async (fn: () => unknown, minMs: number) => {
      let n = 0;
      const t0 = performance.now();
      while (n < 2 || performance.now() - t0 < minMs) {
        await fn();
        n++;
      }
      return (performance.now() - t0) / n;
    };
    const tOurs = await warm(ours, args.quick ? 50 : 300);
    const tOrt = await warm(theirs, args.quick ? 50 : 300);
    const tTfjs = tfjsModel ? await warm(() => tfjsModel.run(x), args.quick ? 50 : 300) : 0;
    const kOurs = Math.max(1, Math.round(batchMs / tOurs));
    const kOrt = Math.max(1, Math.round(batchMs / tOrt));
    const kTfjs = tfjsModel ? Math.max(1, Math.round(batchMs / tTfjs)) : 0;
    const roundMs = kOurs * tOurs + kOrt * tOrt;
    const rounds = Math.min(maxRounds, Math.max(minRounds, Math.floor(budgetMs / roundMs)));
    // TensorFlow.js, the slow one (W3: seconds per call), has a budget of its own and is timed
    // in tfjsRounds of the rounds, spread evenly, so that it does not cut the rounds of the
    // others (which the targets compare) down to the minimum.
    const tfjsRounds = Math.min(
      rounds,
      Math.max(minRounds, Math.floor(budgetMs / (kTfjs * tTfjs))),
    );
    const timesTfjs = (round: number) =>
      Math.floor((round + 1) * tfjsRounds / rounds) > Math.floor(round * tfjsRounds / rounds);
    const oursTimes: number[] = [], ortTimes: number[] = [];
    const twinTimes: number[] = [], twinBackToBackTimes: number[] = [];
    const nodeTimes: number[] = [], tfjsTimes: number[] = [];
    const nodeFeeds = ortNode && { x: new ortNode.Tensor("float32", x, [N, L, Hin]) };
    if (nodeSession && nodeFeeds) {
      const native = await nodeSession.run(nodeFeeds);
      const nodeDiff = maxAbsDifference(output.data, native.output.data as Float32Array);
      if (!(nodeDiff <= TOLERANCE)) {
        throw new Error(`${workload.name}: onnxruntime-node differs by ${nodeDiff}`);
      }
      for (let i = 0; i < 3; i++) await nodeSession.run(nodeFeeds);
    }
    const timeNode = async () => {
      if (!nodeSession || !nodeFeeds) return;
      const t0 = performance.now();
      for (let i = 0; i < kOrt; i++) await nodeSession.run(nodeFeeds);
      nodeTimes.push((performance.now() - t0) / kOrt);
    };
    const timeTfjs = (round: number) => {
      if (!tfjsModel || !timesTfjs(round)) return;
      const t0 = performance.now();
      for (let i = 0; i < kTfjs; i++) tfjsModel.run(x);
      tfjsTimes.push((performance.now() - t0) / kTfjs);
    };
    const timeOurs = async () => {
      const t0 = performance.now();
      for (let i = 0; i < kOurs; i++) rnn.forward(input);
      oursTimes.push((performance.now() - t0) / kOurs);
      if (!twin) return;
      if (twin.forward(input)[0].data.some((v, i) => v !== output.data[i])) {
        throw new Error(`${workload.name}: two threads differ from one`);
      }
      // Time the steady state: a Worker idle for a second (during W3's other engines) has
      // stopped itself, and the untimed call above started a new one. ready also waits for
      // it to map the next large result's memory, as between a server's requests: a batch
      // is timed so (only its first call finds memory mapped ahead: each one on W3 and W4),
      // then a batch back to back, which finds none.
      await twin.ready;
      const t1 = performance.now();
      for (let i = 0; i < kOurs; i++) twin.forward(input);
      twinTimes.push((performance.now() - t1) / kOurs);
      const t2 = performance.now();
      for (let i = 0; i < kOurs; i++) twin.forward(input);
      twinBackToBackTimes.push((performance.now() - t2) / kOurs);
      // Its Worker now maps the next result's memory: not while another engine is timed.
      await twin.ready;
    };
    const timeOrt = async () => {
      const t0 = performance.now();
      for (let i = 0; i < kOrt; i++) await session.run(feeds);
      ortTimes.push((performance.now() - t0) / kOrt);
    };
    let fasterThanNodeRounds = 0;
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        await timeOurs();
        await timeOrt();
        await timeNode();
        timeTfjs(r);
      } else {
        timeTfjs(r);
        await timeNode();
        await timeOrt();
        await timeOurs();
      }
      if (nodeSession && oursTimes[r] < nodeTimes[r]) fasterThanNodeRounds++;
    }
    await nodeSession?.release();
    await session.release();
    tfjsModel?.dispose();
    twin?.close();

    const f = flops(workload);
    const oursMs = median(oursTimes), ortMs = median(ortTimes);
    const result: Result = {
      workload: workload.name,
      flops: f,
      oursMs,
      ortMs,
      oursIqrMs: [quantile(oursTimes, 0.25), quantile(oursTimes, 0.75)],
      ortIqrMs: [quantile(ortTimes, 0.25), quantile(ortTimes, 0.75)],
      ratio: ortMs / oursMs,
      twoThreadsMs: twin ? median(twinTimes) : undefined,
      twoThreadsBackToBackMs: twin ? median(twinBackToBackTimes) : undefined,
      nodeMs: nodeSession ? median(nodeTimes) : undefined,
      fasterThanNodeRounds: nodeSession ? fasterThanNodeRounds : undefined,
      tfjsMs: tfjsModel ? median(tfjsTimes) : undefined,
      tfjsIqrMs: tfjsModel ? [quantile(tfjsTimes, 0.25), quantile(tfjsTimes, 0.75)] : undefined,
      tfjsMaxAbsDiff: tfjsDiff,
      oursGflops: f / (oursMs * 1e6),
      ortGflops: f / (ortMs * 1e6),
      rounds,
      callsPerBatch: { ours: kOurs, ort: kOrt, tfjs: tfjsModel ? kTfjs : undefined },
      maxAbsDiff: diff,
      referenceMaxAbsDiff: refDiff,
      memoryBytes: rnn.memoryBytes,
      ...memoryMeasure(workload, rnn),
    };
    results.push(result);
    log(
      `${workload.name}: ours ${fmtTime(result, oursMs)}, ort ${fmtTime(result, ortMs)}` +
        (tfjsModel ? `, tfjs ${fmtTime(result, result.tfjsMs!)}` : "") +
        ` (${rounds} rounds × ${kOurs}/${kOrt}${tfjsModel ? `/${kTfjs}` : ""} calls` +
        `${tfjsModel ? `; tfjs in ${tfjsTimes.length} of them` : ""})`,
    );
  }

  if (args.json) {
    console.log(JSON.stringify({ env, tolerance: TOLERANCE, ok: !failed, results }, null, 2));
  } else {
    printTable(env, results);
    printTargets(results);
  }
  if (failed) {
    console.error(
      "FAIL: at least one workload disagrees with onnxruntime-web" +
        (args.tfjs ? " or TensorFlow.js" : "") + " beyond 1e-4",
    );
    Deno.exit(1);
  }
}

function fmtTime(r: Result, ms: number): string {
  return r.workload === "W0" ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(3)} ms`;
}

function gflops(x: number): string {
  return x >= 1 ? x.toFixed(2) : x.toPrecision(2);
}

function mib(bytes: number): string {
  return bytes >= 1 << 20
    ? `${(bytes / (1 << 20)).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

function printTable(env: Record<string, unknown>, results: Result[]) {
  console.log(`CPU: ${env.cpu} (${env.cores} logical cores)`);
  console.log(
    `Deno ${env.deno} (V8 ${env.v8}); ours: wasm ${env.simd} SIMD; ` +
      `onnxruntime-web ${env.ortWeb}: wasm SIMD, 1 thread`,
  );
  if (env.tfjs) console.log(`tfjs-wasm: ${env.tfjs}; tf.layers.simpleRNN (bidirectional for W4)`);
  const header = [
    "workload",
    "ours",
    "ort-web",
    "ort/ours",
    "ours GFLOP/s",
    "ort GFLOP/s",
    "our wasm memory",
    "in+out+weights",
  ];
  const rows = results.map((r) => [
    r.workload,
    fmtTime(r, r.oursMs),
    fmtTime(r, r.ortMs),
    `${r.ratio.toFixed(2)}×`,
    gflops(r.oursGflops),
    gflops(r.ortGflops),
    mib(r.memoryBytes),
    mib(r.ioWeightBytes),
    ...(r.twoThreadsMs === undefined ? [] : [
      fmtTime(r, r.twoThreadsMs),
      `${(r.oursMs / r.twoThreadsMs).toFixed(2)}×`,
      `${(r.ortMs / r.twoThreadsMs).toFixed(2)}×`,
      `${(r.oursMs / r.twoThreadsBackToBackMs!).toFixed(2)}×`,
    ]),
  ]);
  if (results.some((r) => r.twoThreadsMs !== undefined)) {
    header.push("ours 2 threads", "2 vs 1 thread", "ort/ours 2 thr.", "2 vs 1, back to back");
  }
  if (results.some((r) => r.nodeMs !== undefined)) {
    header.push("ort-node native", "node/ours");
    rows.forEach((row, i) => {
      const r = results[i];
      row.push(fmtTime(r, r.nodeMs!), `${(r.nodeMs! / r.oursMs).toFixed(2)}×`);
    });
  }
  if (results.some((r) => r.tfjsMs !== undefined)) {
    header.push("tfjs-wasm", "tfjs/ours");
    rows.forEach((row, i) => {
      const r = results[i];
      row.push(fmtTime(r, r.tfjsMs!), `${(r.tfjsMs! / r.oursMs).toFixed(2)}×`);
    });
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    "| " +
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") +
    " |";
  console.log(line(header));
  console.log(
    "|" + widths.map((w, i) => "-".repeat(w + 1) + (i === 0 ? "-" : ":")).join("|") + "|",
  );
  for (const row of rows) console.log(line(row));
  console.log(
    "medians of per-call batch means; W0 in µs per call, others ms per call; " +
      "ratio > 1 means ours is faster",
  );
}

/**
 * Whether this run meets each target of the performance issue that its columns
 * can show (workloads left out by --only, or peers not asked for, are skipped).
 */
function printTargets(results: Result[]) {
  const of = (names: string[]) => results.filter((r) => names.includes(r.workload));
  const lines: string[] = [];
  const check = (
    target: string,
    rows: Result[],
    value: (r: Result) => number,
    ok: (v: number) => boolean,
    unit = "×",
    detail: (r: Result) => string = () => "",
  ) => {
    if (rows.length === 0) return;
    const values = rows.map((r) => `${r.workload} ${value(r).toFixed(2)}${unit}${detail(r)}`)
      .join(", ");
    lines.push(`  ${rows.every((r) => ok(value(r))) ? "met" : "NOT met"}: ${target} (${values})`);
  };
  check(
    "W1–W4 at least 2× as fast as onnxruntime-web",
    of(["W1", "W2", "W3", "W4"]),
    (r) => r.ratio,
    (v) => v >= 2,
  );
  check(
    "W2–W4 at least as fast as onnxruntime-node",
    of(["W2", "W3", "W4"]).filter((r) => r.nodeMs !== undefined),
    (r) => r.nodeMs! / r.oursMs,
    (v) => v >= 1,
    "×",
    (r) => ` [ours faster in ${r.fasterThanNodeRounds}/${r.rounds} rounds]`,
  );
  check("W0 at most 1 µs per call", of(["W0"]), (r) => r.oursMs * 1000, (v) => v <= 1, " µs");
  check(
    "two threads at least 1.7× as fast as one on W3 (after ready)",
    of(["W3"]).filter((r) => r.twoThreadsMs !== undefined),
    (r) => r.oursMs / r.twoThreadsMs!,
    (v) => v >= 1.7,
  );
  check(
    "the same, with forwards back to back",
    of(["W3"]).filter((r) => r.twoThreadsBackToBackMs !== undefined),
    (r) => r.oursMs / r.twoThreadsBackToBackMs!,
    (v) => v >= 1.7,
  );
  check(
    "WebAssembly memory at most 1.5× of inputs + outputs + weights + one projection buffer",
    of(["W1", "W2", "W3", "W4"]),
    (r) => r.memoryBytes / (r.ioWeightBytes + r.projectionBytes),
    (v) => v <= 1.5,
  );
  if (lines.length) {
    console.log(`targets of the performance issue in this run:\n${lines.join("\n")}`);
  }
}

await main();
