// cli.ts, spawned as a user runs it: `deno run --no-prompt` with no permission
// unless the command needs one. Fixtures: tests/fixtures/random/lecture.json
// (torch's example output), tests/fixtures/safetensors/ (a trained model) and
// tests/fixtures/cli/ from tests/fixtures/make_cli_fixtures.py and
// make_cli_python_fixtures.py.

import assert from "node:assert/strict";
import { runFromUrl, worstError } from "./_helpers.ts";
import { COLUMNS, COMMANDS, displayWidth, TEXT, USAGE } from "../_cli_text.ts";
import { loadSafetensors, saveSafetensors } from "../safetensors.ts";

const ROOT = new URL("../", import.meta.url);
const FIXTURES = "tests/fixtures";
const WEIGHTS = `${FIXTURES}/safetensors/model_f32.safetensors`;
const INPUT = `${FIXTURES}/cli/input.json`;
const REF = `${FIXTURES}/cli/ref.json`;
const RELU = `${FIXTURES}/cli/relu.safetensors`;
const NONFINITE = `${FIXTURES}/cli/input_nonfinite.json`;
const REF_NONFINITE = `${FIXTURES}/cli/ref_nonfinite.json`;
const READ = `--allow-read=${FIXTURES}`;
const HANGUL = /[\uac00-\ud7a3]/;

const lecture = JSON.parse(Deno.readTextFileSync(new URL(`${FIXTURES}/random/lecture.json`, ROOT)));
const expected = JSON.parse(
  Deno.readTextFileSync(new URL(`${FIXTURES}/safetensors/expected.json`, ROOT)),
).rnn;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run --no-prompt [permissions] cli.ts args` from the repo root. */
async function cli(
  args: string[],
  { permissions = [], stdin, env = {} }: {
    permissions?: string[];
    stdin?: string;
    env?: Record<string, string>;
  } = {},
): Promise<Result> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...permissions, "cli.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", LANG: "C", ...env },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}

function ok(result: Result, label: string): Result {
  assert.equal(result.code, 0, `${label}: exit ${result.code}, stderr: ${result.stderr}`);
  return result;
}

function json(result: Result, label: string) {
  return JSON.parse(ok(result, label).stdout);
}

/** Exit 1 with exactly one line on stderr and no stack trace. */
function runtimeError(result: Result, label: string, pattern: RegExp): void {
  assert.equal(result.code, 1, `${label}: exit ${result.code}, stderr: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `${label}: stderr is not one line: ${result.stderr}`);
  assert.match(lines[0], pattern, label);
  assert.doesNotMatch(result.stderr, /\bat .*\.ts:\d+/, `${label}: a stack trace`);
}

function floats(bits: number[]): number[] {
  return Array.from(new Float32Array(new Uint32Array(bits).buffer));
}

const flat = (nested: unknown): number[] => (nested as number[]).flat(Infinity) as number[];

Deno.test("cli example --seed 0 prints torch's output and h_n for manual_seed(0), with no permission", async () => {
  const { stdout, stderr } = ok(await cli(["example", "--seed", "0"]), "example");
  assert.equal(stderr, "");
  assert.ok(stdout.includes("output shape: torch.Size([1, 3, 2])\n"), stdout);
  assert.ok(stdout.includes(`output: ${lecture.outputStrNoGrad}\n`), stdout);
  assert.ok(stdout.includes(`h_n: ${lecture.hNStrNoGrad}\n`), stdout);
  assert.match(stdout, /grad_fn=<TransposeBackward1>/);
  assert.match(stdout, /^torch\.manual_seed\(0\)$/m);
  assert.match(stdout, /^rnn = nn\.RNN\(input_size=1, hidden_size=2, batch_first=True\)$/m);
});

Deno.test("cli example without --seed says which seed it drew, and --seed repeats the run", async () => {
  const first = ok(await cli(["example"]), "example").stdout;
  const seed = first.match(/seed (\d+) was drawn at random: add --seed \1/)?.[1];
  assert.ok(seed, first);
  const again = ok(await cli(["example", "--seed", seed]), "example --seed").stdout;
  const numbers = (text: string) => text.slice(text.indexOf("output shape:"), text.indexOf("h_n:"));
  assert.equal(numbers(again), numbers(first));
});

Deno.test("cli --json output of every lesson command parses and has torch's shapes", async () => {
  const [example, explore, batch, seqFirst, params, bidir, trace, bench] = await Promise.all([
    cli(["example", "--seed", "0", "--json"]),
    cli(["explore", "--seq-len", "1,3", "--hidden", "2,5", "--input-size", "2", "--json"]),
    cli(["batch", "--seed", "1", "--json"]),
    cli(["batch", "--batch", "3", "--seq-len", "5", "--no-batch-first", "--json"]),
    cli(["params", "--seed", "0", "--json"]),
    cli([
      "params",
      "--input-size",
      "3",
      "--hidden",
      "4",
      "--layers",
      "2",
      "--bidirectional",
      "--json",
    ]),
    cli(["trace", "--seed", "0", "--head", "--json"]),
    cli(["bench", "--workload", "W0", "--json"]),
  ]);

  const e = json(example, "example");
  assert.equal(e.seed, "0");
  assert.deepEqual([e.outputShape, e.hNShape], [[1, 3, 2], [1, 1, 2]]);
  assert.equal(e.outputStr, lecture.outputStrNoGrad);
  assert.equal(e.hNStr, lecture.hNStrNoGrad);
  assert.ok(worstError(flat(e.output), floats(lecture.output.bits)).error <= 1e-6);

  const x = json(explore, "explore");
  assert.deepEqual(
    x.runs.map((r: { outputShape: number[]; hNShape: number[] }) => [r.outputShape, r.hNShape]),
    [[[1, 1, 2], [1, 1, 2]], [[1, 3, 2], [1, 1, 2]], [[1, 1, 5], [1, 1, 5]], [[1, 3, 5], [
      1,
      1,
      5,
    ]]],
  );
  assert.ok(x.runs[1].prefixMaxAbsDiff <= 1e-6 && x.runs[3].prefixMaxAbsDiff <= 1e-6);
  assert.equal(x.runs[2].prefixMaxAbsDiff, undefined);

  const b = json(batch, "batch");
  assert.deepEqual([b.inputShape, b.outputShape, b.hNShape], [[4, 3, 1], [4, 3, 2], [1, 4, 2]]);
  assert.ok(b.checks.lastStepMaxAbsDiff <= 1e-6 && b.checks.aloneMaxAbsDiff <= 1e-6, batch.stdout);
  const s = json(seqFirst, "batch --no-batch-first");
  assert.deepEqual([s.inputShape, s.outputShape, s.hNShape], [[5, 3, 1], [5, 3, 2], [1, 3, 2]]);
  assert.ok(s.checks.lastStepMaxAbsDiff <= 1e-6 && s.checks.aloneMaxAbsDiff <= 1e-6);

  const p = json(params, "params");
  assert.deepEqual(
    p.parameters.map((q: { name: string; shape: number[]; count: number }) => [q.name, q.shape]),
    [["weight_ih_l0", [2, 1]], ["weight_hh_l0", [2, 2]], ["bias_ih_l0", [2]], ["bias_hh_l0", [2]]],
  );
  assert.equal(p.total, 10);
  assert.equal(p.printed, "RNN(1, 2)");
  // The lecture's symbols, whatever the language of the roles.
  assert.deepEqual(p.parameters.map((r: { term: string }) => r.term), [
    "W_x",
    "W_h",
    "b_ih",
    "b_hh",
  ]);
  for (const q of p.parameters) {
    assert.ok(
      worstError(flat(q.values), floats(lecture.stateDict[q.name].bits)).error === 0,
      q.name,
    );
  }
  const q = json(bidir, "params --bidirectional");
  const [D, H, I, L] = [2, 4, 3, 2];
  assert.equal(q.total, D * (H * I + H * H + 2 * H) + (L - 1) * D * (H * D * H + H * H + 2 * H));
  assert.equal(q.parameters.length, 16);
  assert.equal(
    q.total,
    q.parameters.reduce((sum: number, r: { count: number }) => sum + r.count, 0),
  );

  const t = json(trace, "trace");
  assert.equal(t.steps.length, 3);
  assert.deepEqual(t.steps[0].hPrev, [0, 0]);
  const rows = floats(lecture.output.bits);
  t.steps.forEach((step: { h: number[]; hPrev: number[]; y: number[] }, i: number) => {
    assert.ok(worstError(step.h, rows.slice(2 * i, 2 * i + 2)).error <= 1e-6, `h_${i + 1}`);
    assert.equal(step.y.length, 1);
    if (i > 0) assert.deepEqual(step.hPrev, t.steps[i - 1].h);
  });
  assert.ok(t.stepVsForwardMaxAbsDiff <= 1e-6);

  const w = json(bench, "bench");
  assert.deepEqual(w.results.map((r: { name: string }) => r.name), ["W0"]);
  assert.ok(w.results[0].msPerForward > 0 && w.results[0].gflops > 0 && w.results[0].reps >= 3);
});

Deno.test("cli text output of params matches what PyTorch prints for named_parameters()", async () => {
  const { stdout } = ok(await cli(["params", "--seed", "0"]), "params");
  for (const [name, text] of Object.entries(lecture.stateDictStr)) {
    assert.ok(stdout.includes(`\n${name} ${text}\n`), `${name} in:\n${stdout}`);
  }
  assert.match(stdout, /total: 10 parameters/);
  assert.match(stdout, /\n {2}print\(rnn\) shows RNN\(1, 2\)\n/); // torch 1.13's print
});

Deno.test("cli prints Python that runs as shown and prints torch's numbers, which the CLI printed too", async () => {
  // tests/fixtures/make_cli_python_fixtures.py ran each command's Python in torch 1.13.
  const { cases } = JSON.parse(
    Deno.readTextFileSync(new URL(`${FIXTURES}/cli/python.json`, ROOT)),
  ) as { cases: { args: string[]; python: string; stdout: string }[] };
  const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?/g;
  const numbersIn = (text: string): string[] =>
    [...text.replace(/, grad_fn=<\w+>/g, "").matchAll(NUMBER)].map((match) => match[0]);
  const results = await Promise.all(cases.map(({ args }) => cli([...args, "--lang", "en"])));
  cases.forEach(({ args, python, stdout: torchPrinted }, i) => {
    const label = args.join(" ");
    const shown = ok(results[i], label).stdout.trimEnd().split("\n");
    const start = shown.findLastIndex((line) => line.includes("PyTorch") && line.endsWith(":"));
    assert.equal(
      shown.slice(start + 1).join("\n"),
      python,
      `${label}: its Python changed; rerun make_cli_python_fixtures.py`,
    );
    // Every number torch printed appears among ours, in the same order.
    const ours = numbersIn(shown.slice(0, start).join("\n"));
    let at = 0;
    for (const number of numbersIn(torchPrinted)) {
      const found = ours.indexOf(number, at);
      assert.ok(found >= 0, `${label}: torch printed ${number}, which we did not (after ${at})`);
      at = found + 1;
    }
  });
});

Deno.test("cli trace heads its columns with the lecture's words, in English as in Korean, and --json keeps its keys", async () => {
  const [en, withHead, ko, asJson] = await Promise.all([
    cli(["trace", "--seed", "0"]),
    cli(["trace", "--seed", "0", "--head"]),
    cli(["trace", "--seed", "0", "--head", "--lang", "ko"]),
    cli(["trace", "--seed", "0", "--head", "--json"]),
  ]);
  const header = (result: Result) =>
    ok(result, "trace").stdout.split("\n").find((line) => line.startsWith("| "))
      ?.split("|").slice(1, -1).map((cell) => cell.trim());
  const english = ["step t", "input x_t", "previous state h_{t-1}", "new state h_t", "output y_t"];
  assert.deepEqual(header(en), english.slice(0, 4));
  assert.deepEqual(header(withHead), english);
  assert.deepEqual(header(ko), [
    "시점 t",
    "입력 x_t",
    "이전 상태 h_{t-1}",
    "새로운 상태 h_t",
    "출력 y_t",
  ]);
  const steps = json(asJson, "trace --json").steps;
  assert.deepEqual(Object.keys(steps[0]), ["t", "x", "hPrev", "h", "y"]);
});

Deno.test("cli usage errors exit 2 with a message and the usage line on stderr", async () => {
  const cases = [
    ["frobnicate"],
    ["example", "--frob"],
    ["example", "--seed"],
    ["example", "--seed", "1.5"],
    ["example", "--seed", "18446744073709551616"],
    ["example", "extra"],
    ["explore", "--seq-len", "1,0,3"],
    ["explore", "--hidden=two"],
    ["batch", "--batch", "-3"],
    ["batch", "--batch-first=yes"],
    ["params", "--layers", "0"],
    ["trace", "--input", "1,,2"],
    ["trace", "--input", "0x10"],
    ["trace", "--input", "-h"], // a value, not a request for help
    ["check", "--weights", WEIGHTS, "--input", "-h"],
    ["explore", "--seq-len", "1000000", "--hidden", "1000"],
    ["batch", "--batch", "100000000"],
    ["params", "--hidden", "20000", "--layers", "8"],
    ["explore", "--seq-len", "2000000"],
    ["run", "--input", INPUT],
    ["check", "--weights", WEIGHTS, "--input", INPUT],
    ["check", "--weights", WEIGHTS, "--input", INPUT, "--expected", REF, "--atol", "-1"],
    ["run", "--weights", WEIGHTS, "--input", INPUT, "--nonlinearity", "gelu"],
    ["bench", "--workload", "W9"],
    ["example", "--lang", "fr"],
    ["help", "nope"],
  ];
  const results = await Promise.all(cases.map((args) => cli(args)));
  results.forEach(({ code, stdout, stderr }, i) => {
    const label = cases[i].join(" ");
    assert.equal(code, 2, `${label}: exit ${code}, stderr ${stderr}`);
    assert.equal(stdout, "", label);
    assert.match(stderr, /^error: .+\nusage: /, label);
  });
});

Deno.test("cli usage errors name the likely mistake: a misspelt option, an option before the command, a value after a flag", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["example", "--sed", "0"],
      /^error: unknown option --sed for example: did you mean --seed\?\n/,
    ],
    [["explore", "--hiden", "3"], /did you mean --hidden\?/],
    [["batch", "--batchfirst"], /did you mean --batch-first\?/],
    [["batch", "--SEED", "1"], /did you mean --seed\?/],
    [["example", "--frob"], /^error: unknown option --frob for example\n/],
    [["--seed", "0", "example"], /^error: --seed comes after the command: /],
    [["trace", "--head", "fc."], /^error: unexpected argument "fc\.": --head takes no value\n/],
    [["trace", "--no-head", "x"], /"x": --no-head takes no value/],
    [["example", "extra"], /^error: unexpected argument "extra"\n/],
    [
      ["params", "--hidden", "3000", "--layers", "2", "--bidirectional"],
      /^error: --input-size, --hidden, --layers, --bidirectional: \d+ parameters/,
    ],
    [["example", "--json", "trace"], /^error: "trace" is a second command: give one at a time\n/],
    [["--no-batch-first", "batch"], /^error: --no-batch-first comes after the command: /],
    // Option names are the records' own keys, not Object.prototype's.
    [["example", "--toString", "3"], /^error: unknown option --toString for example\n/],
    [["--constructor", "example"], /^error: unknown option --constructor for cli\.ts\n/],
    [["trace", "--head", "fc.", "--lang", "ko"], /^오류: 예상하지 못한 인자 "fc\.": --head 옵션은/],
  ];
  const results = await Promise.all(cases.map(([args]) => cli(args)));
  results.forEach(({ code, stderr }, i) => {
    const [args, pattern] = cases[i];
    assert.equal(code, 2, args.join(" "));
    assert.match(stderr, pattern, args.join(" "));
  });
  // The help a Korean error points to is Korean too.
  assert.match(results.at(-1)!.stderr, /\(참고: deno run cli\.ts trace --help --lang ko\)/);
});

Deno.test("cli lesson text: Python's 0-based index of h_t, the head trace leaves out, and the axis explore changed", async () => {
  const [batch, seqFirst, trace, withHead, explore, params, koTrace] = await Promise.all([
    cli(["batch", "--seed", "0"]),
    cli(["batch", "--seed", "0", "--no-batch-first"]),
    cli(["trace", "--seed", "0", "--input", "1,0.5,-1"]),
    cli(["trace", "--seed", "0", "--head"]),
    cli(["explore", "--seed", "0", "--seq-len", "3,1", "--hidden", "2,4"]),
    cli(["params", "--seed", "0", "--layers", "2", "--bidirectional"]),
    cli(["trace", "--seed", "0", "--lang", "ko"]),
  ]);
  assert.match(ok(batch, "batch").stdout, /output\[n, t-1\] is h_t .* output\[n, 0\] is h_1\n/);
  assert.match(ok(seqFirst, "batch").stdout, /output\[t-1, n\] is h_t .* output\[0, n\] is h_1\n/);
  const traced = ok(trace, "trace").stdout;
  assert.match(traced, /\| \[1\.0000\] +\|.*\n.*\| \[0\.5000\] +\|.*\n.*\| \[-1\.0000\] \|/);
  assert.match(traced, /Add --head for y_t = W_hy h_t \+ b_y\./);
  assert.doesNotMatch(ok(withHead, "trace --head").stdout, /Add --head/);
  // hidden_size 2 → 4 starts again from the first seq_len, 1 → 3.
  assert.match(
    ok(explore, "explore").stdout,
    /hidden_size 2 → 4: .* seq_len went from 1 back to 3/,
  );
  const p = ok(params, "params").stdout;
  assert.match(p, /weight_ih_l1 .* both directions' h_t side by side \(4 features\)/);
  assert.match(p, /weight_ih_l0_reverse .*; reverse direction +\|/);
  assert.match(p, /\n_reverse: the reverse direction/);
  assert.match(p, /\nEvery parameter is used at every time step \(weight sharing\)/);
  assert.match(
    ok(koTrace, "trace --lang ko").stdout,
    /h_n은 곧 마지막 상태 h_3입니다: 한 스텝씩 구한 마지막 상태는/,
  );
});

Deno.test("cli help and usage lines fit in 80 columns, in English and in Korean", () => {
  for (const lang of ["en", "ko"] as const) {
    const t = TEXT[lang];
    const texts = [
      t.overview,
      ...COMMANDS.map((command) => `${t.usage(USAGE[command])}\n\n${t.help[command]}`),
    ];
    for (const line of texts.join("\n").split("\n")) {
      assert.ok(displayWidth(line) <= COLUMNS, `${lang}, ${displayWidth(line)} columns: ${line}`);
    }
  }
  assert.equal(displayWidth("가나 ab"), 7);
});

Deno.test("cli --help of every command, and help <command>, print its usage and exit 0", async () => {
  const commands = ["example", "explore", "batch", "params", "trace", "run", "check", "bench"];
  const results = await Promise.all([
    ...commands.map((c) => cli([c, "--help"])),
    cli(["help", "trace"]),
    cli(["example", "-h"]),
    cli(["example", "--seed", "abc", "--help"]),
    cli(["--help"]),
    cli([]),
  ]);
  results.forEach((result, i) => {
    const { stdout } = ok(result, `help ${i}`);
    assert.match(stdout, /usage: /);
    if (i < commands.length) assert.match(stdout, new RegExp(`cli\\.ts ${commands[i]}`));
  });
  assert.match(results.at(-1)!.stdout, /commands:/);
});

Deno.test("cli --lang ko explains in Korean; the locale counts only when env permission is granted", async () => {
  const lessons = [
    ["example", "--seed", "0"],
    ["explore", "--seq-len", "2,3", "--hidden", "2"],
    ["batch"],
    ["params"],
    ["trace", "--head"],
    ["bench", "--workload", "W0"],
    ["example", "--help"],
  ];
  const locale = ["--allow-env=LC_ALL,LC_MESSAGES,LANG"];
  const [withLang, usage, fromEnv, withoutPermission, lcAll, lcAllFirst] = await Promise.all([
    Promise.all(lessons.map((args) => cli([...args, "--lang", "ko"]))),
    cli(["explore", "--lang=ko", "--seq-len", "x"]),
    cli(["batch"], { permissions: ["--allow-env=LANG"], env: { LANG: "ko_KR.UTF-8" } }),
    cli(["batch"], { env: { LANG: "ko_KR.UTF-8" } }),
    cli(["batch"], { permissions: locale, env: { LC_ALL: "ko_KR.UTF-8", LANG: "C" } }),
    cli(["batch"], { permissions: locale, env: { LC_ALL: "C", LANG: "ko_KR.UTF-8" } }),
  ]);
  withLang.forEach((result, i) => {
    assert.match(ok(result, lessons[i].join(" ")).stdout, HANGUL, lessons[i].join(" "));
  });
  const example = withLang[0].stdout;
  assert.ok(example.includes(`output: ${lecture.outputStrNoGrad}\n`), "ko keeps torch's lines");
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^오류: /);
  assert.match(ok(fromEnv, "LANG=ko").stdout, HANGUL);
  assert.doesNotMatch(ok(withoutPermission, "LANG=ko without env").stdout, HANGUL);
  // As POSIX: LC_ALL over LC_MESSAGES over LANG.
  assert.match(ok(lcAll, "LC_ALL=ko").stdout, HANGUL);
  assert.doesNotMatch(ok(lcAllFirst, "LC_ALL=C, LANG=ko").stdout, HANGUL);
});

Deno.test("cli Korean messages never leave a particle to the reader, such as 을(를) or 이(가)", async () => {
  for (const file of ["_cli_text.ts", "cli.ts"]) {
    const source = Deno.readTextFileSync(new URL(file, ROOT));
    assert.doesNotMatch(source, /\((을|를|은|는|이|가|과|와|으)\)/, file);
  }
  const ko = ["--lang", "ko"];
  const [seed, drawn, unreadable, missing] = await Promise.all([
    cli(["example", "--seed", "abc", ...ko]),
    cli(["example", ...ko]),
    cli(["run", "--weights", WEIGHTS, "--input", INPUT, ...ko]),
    cli(["run", "--weights", WEIGHTS, ...ko]),
  ]);
  assert.match(
    seed.stderr,
    /^오류: --seed: torch\.manual_seed처럼 -2\^63부터 2\^64 - 1까지의 정수여야 합니다\. 받은 값: "abc"\n/,
  );
  assert.match(
    ok(drawn, "example --lang ko").stdout,
    /^# 무작위로 뽑은 시드: (\d+)\. 같은 실행을 다시 하려면 --seed \1 옵션을 붙이세요$/m,
  );
  runtimeError(
    unreadable,
    "run --lang ko without permission",
    /^오류: 읽기 권한이 없는 파일: \S+, \S+\. --allow-read=\S+ 옵션을 붙여 실행하세요$/,
  );
  assert.match(missing.stderr, /^오류: --input 옵션이 필요합니다\n/);
});

Deno.test("cli explore keeps a wrapped h_n under its first line, in Korean too (Hangul is two columns wide)", async () => {
  // Columns on a terminal before the end of `text`.
  const columns = (text: string) =>
    [...text].length + (text.match(/[\uac00-\ud7a3]/g)?.length ?? 0);
  for (const lang of ["en", "ko"]) {
    const args = ["explore", "--seq-len", "1,3", "--hidden", "8", "--seed", "0", "--lang", lang];
    const lines = ok(await cli(args), `explore --lang ${lang}`).stdout.split("\n");
    const first = lines.findIndex((line) => line.includes("h_n = tensor([[["));
    assert.ok(first >= 0, lines.join("\n"));
    const start = columns(lines[first].slice(0, lines[first].indexOf("[[[") + 3));
    const next = lines[first + 1];
    assert.equal(
      next.length - next.trimStart().length,
      start,
      `${lang}:\n${lines[first]}\n${next}`,
    );
  }
});

Deno.test("cli runtime errors exit 1 with one line on stderr; --debug adds the stack", async () => {
  const wrongInput = ["run", "--weights", WEIGHTS, "--input", "-"];
  const stdin = "[[[1, 2]]]"; // two features where the model takes three
  const [missing, wrongSize, debug, notWeights, shapes] = await Promise.all([
    cli(["run", "--weights", `${FIXTURES}/cli/nope.safetensors`, "--input", INPUT], {
      permissions: [READ],
    }),
    cli(wrongInput, { permissions: [READ], stdin }),
    cli([...wrongInput, "--debug"], { permissions: [READ], stdin }),
    cli(["run", "--weights", REF, "--input", INPUT], { permissions: [READ] }),
    cli(["check", "--weights", WEIGHTS, "--input", INPUT, "--expected", REF], {
      permissions: [READ],
    }),
  ]);
  runtimeError(missing, "missing file", /^error: cannot read .*nope\.safetensors: no such file$/);
  runtimeError(wrongSize, "wrong size", /^error: cannot run the model .*expected 3, got 2/);
  assert.equal(debug.code, 1);
  assert.match(debug.stderr, /RangeError[^]*\bat .*rnn\.ts:\d+/);
  runtimeError(
    notWeights,
    "not weights",
    /^error: cannot load a model from .*ref\.json: it is neither a \.pt file from torch\.save nor a \.safetensors file$/,
  );
  runtimeError(shapes, "seq-first layout", /h_n has shape \[4, 4, 5\] here but \[4, 2, 5\]/);
});

Deno.test("cli run reads a safetensors model and a .json, .npy or stdin input, giving torch's output", async () => {
  const args = ["--weights", WEIGHTS, "--batch-first"];
  const [fromJson, fromNpy, fromNpy64, fromStdin] = await Promise.all([
    cli(["run", ...args, "--input", INPUT], { permissions: [READ] }),
    cli(["run", ...args, "--input", `${FIXTURES}/cli/input.npy`], { permissions: [READ] }),
    cli(["run", ...args, "--input", `${FIXTURES}/cli/input_f64.npy`], { permissions: [READ] }),
    cli(["run", ...args, "--input", "-"], {
      permissions: [READ],
      stdin: Deno.readTextFileSync(new URL(INPUT, ROOT)),
    }),
  ]);
  const result = json(fromJson, "run json");
  assert.deepEqual(result.outputShape, expected.output.shape);
  assert.deepEqual(result.hNShape, expected.hN.shape);
  assert.ok(worstError(flat(result.output), expected.output.data).error <= 1e-5);
  assert.ok(worstError(flat(result.h_n), expected.hN.data).error <= 1e-5);
  assert.deepEqual(json(fromNpy, "run npy"), result);
  assert.deepEqual(json(fromNpy64, "run float64 npy"), result); // float32 values, rounded back
  assert.deepEqual(json(fromStdin, "run stdin"), result);
  // The file also holds an nn.Linear head "fc.", which run says it leaves out.
  assert.match(fromJson.stderr, /^note: .* also holds fc\.weight; add --head fc\. /);
});

Deno.test("cli run refuses a .npy whose header claims more data than it holds, before allocating", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (100000000000,), }";
    const padded = header.padEnd(64 - 10 - 1) + "\n";
    const bytes = new Uint8Array([0x93, ...new TextEncoder().encode("NUMPY"), 1, 0, 0, 0]);
    new DataView(bytes.buffer).setUint16(8, padded.length, true);
    const file = `${dir}/huge.npy`;
    await Deno.writeFile(
      file,
      new Uint8Array([...bytes, ...new TextEncoder().encode(padded), 0, 0]),
    );
    const result = await cli(["run", "--weights", WEIGHTS, "--input", file], {
      permissions: [`--allow-read=${FIXTURES},${dir}`],
    });
    runtimeError(
      result,
      "huge npy",
      /npy: the data has 2 bytes, the header's shape \(100000000000,\) of '<f4' needs 400000000000$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli run and check --head apply the file's nn.Linear head as torch does", async () => {
  const args = ["--weights", WEIGHTS, "--input", INPUT, "--batch-first", "--head", "fc."];
  const read = { permissions: [READ] };
  const [ran, checked, wrongHead] = await Promise.all([
    cli(["run", ...args], read),
    cli(["check", ...args, "--expected", REF, "--json"], read),
    cli(["run", ...args.slice(0, -1), "rnn."], read),
  ]);
  const torch = JSON.parse(Deno.readTextFileSync(new URL(REF, ROOT)));
  const result = json(ran, "run --head");
  assert.deepEqual(result.yShape, [2, 4, 2]);
  assert.ok(worstError(flat(result.y), flat(torch.y)).error <= 1e-5);
  assert.equal(ran.stderr, "");
  const report = json(checked, "check --head");
  assert.equal(report.ok, true);
  assert.ok(report.y.maxAbsError <= 1e-5, `y error ${report.y.maxAbsError}`);
  runtimeError(
    wrongHead,
    "--head rnn.",
    /the head's prefix is the RNN's, "rnn\.": they must differ/,
  );
});

Deno.test("cli run without read permission says which --allow-read to add, and --out needs --allow-write", async () => {
  const dir = await Deno.makeTempDir();
  const out = `${dir}/out.json`;
  try {
    const args = ["run", "--weights", WEIGHTS, "--input", INPUT, "--batch-first"];
    const [noRead, neither, noWrite, written] = await Promise.all([
      cli(args),
      cli([...args, "--out", out]),
      cli([...args, "--out", out], { permissions: [READ] }),
      cli([...args, "--out", out, "--json"], { permissions: [READ, `--allow-write=${out}`] }),
    ]);
    // One message names every file to allow.
    runtimeError(noRead, "no read", /: run with --allow-read=\S+safetensors,\S+input\.json$/);
    runtimeError(
      neither,
      "neither",
      /^error: cannot read .* and cannot write .*out\.json: run with --allow-read=\S+ --allow-write=\S+out\.json$/,
    );
    assert.equal(noRead.stdout, "");
    runtimeError(noWrite, "no write", /^error: cannot write .*: run with --allow-write=/);
    assert.deepEqual(json(written, "run --out").outputShape, expected.output.shape);
    const file = JSON.parse(await Deno.readTextFile(out));
    assert.ok(worstError(flat(file.output), expected.output.data).error <= 1e-5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli check passes against PyTorch's dump and exits 1 outside the tolerance", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const reference = JSON.parse(Deno.readTextFileSync(new URL(REF, ROOT)));
    reference.h_n[0][0][0] += 1e-3;
    const off = `${dir}/off.json`;
    await Deno.writeTextFile(off, JSON.stringify(reference));
    const args = ["check", "--weights", WEIGHTS, "--input", INPUT, "--batch-first"];
    const read = [`--allow-read=${FIXTURES},${dir}`];
    const [pass, passJson, fail, loose, relu, ko] = await Promise.all([
      cli([...args, "--expected", REF], { permissions: read }),
      cli([...args, "--expected", REF, "--json"], { permissions: read }),
      cli([...args, "--expected", off, "--json"], { permissions: read }),
      cli([...args, "--expected", off, "--atol", "1e-2"], { permissions: read }),
      cli([...args, "--expected", REF, "--nonlinearity", "relu"], { permissions: read }),
      cli([...args, "--expected", REF, "--nonlinearity", "relu", "--lang", "ko"], {
        permissions: read,
      }),
    ]);
    assert.match(ok(pass, "check").stdout, /^output .*✓[^]*^h_n .*✓/m);
    const report = json(passJson, "check --json");
    assert.equal(report.ok, true);
    assert.ok(report.output.maxAbsError <= 1e-5 && report.h_n.maxAbsError <= 1e-5);
    assert.equal(fail.code, 1);
    const failed = JSON.parse(fail.stdout);
    assert.equal(failed.ok, false);
    assert.ok(failed.h_n.maxAbsError > 9e-4 && failed.output.maxAbsError <= 1e-5);
    // ref.json also holds torch's y, which check compares only with --head.
    assert.match(
      fail.stderr,
      /^note: .*off\.json holds "y".*--head fc\. .*\nerror: check failed: h_n outside atol 1e-5\nhint: /,
    );
    ok(loose, "check --atol 1e-2");
    // Nothing in a state_dict says tanh or relu, batch-first or not: the hint says so.
    assert.equal(relu.code, 1);
    assert.match(
      relu.stderr,
      /\nerror: check failed: output, h_n outside atol 1e-5\nhint: a state_dict stores neither the nonlinearity nor batch_first, so check that --nonlinearity \(relu here\) and --batch-first \(on here\) match the model and how \S+ref\.json was made\nhint: if they do, the model may magnify float32 rounding along the sequence \(trained models can\): torch's own float32 and float64 outputs then differ by about as much as here; compare those before raising --atol\n$/,
    );
    assert.match(
      ko.stderr,
      /\n힌트: state_dict에는 비선형 함수도 batch_first 여부도 저장되지 않습니다\. .*\(지금 relu\).*\(지금 켜짐\).*ref\.json 파일을 .*\n힌트: 두 옵션이 맞다면 모델이 .*--atol을 늘리기 전에 먼저 이 두 출력을 비교해 보세요\n$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli run writes NaN and ±Infinity as Python's json.dump does, and check reads them back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A relu model that passes infinities through; torch's results dumped by json.dump.
    const args = [
      "--weights",
      RELU,
      "--input",
      NONFINITE,
      "--batch-first",
      "--nonlinearity",
      "relu",
      "--head",
      "fc.",
    ];
    const read = [`--allow-read=${FIXTURES},${dir}`];
    const out = `${dir}/ours.json`;
    const [ran, wrote, againstTorch, ko] = await Promise.all([
      cli(["run", ...args], { permissions: read }),
      cli(["run", ...args, "--out", out], { permissions: [...read, `--allow-write=${out}`] }),
      cli(["check", ...args, "--expected", REF_NONFINITE, "--json"], { permissions: read }),
      cli(["run", ...args, "--lang", "ko"], { permissions: read }),
    ]);
    // Python's json.dump text, without its spaces and the ".0" of whole floats.
    const torch = Deno.readTextFileSync(new URL(REF_NONFINITE, ROOT)).replaceAll(" ", "")
      .replace(/\.0(?=[,\]])/g, "");
    const { stdout } = ok(ran, "run with NaN and Infinity");
    assert.equal(stdout.slice(0, stdout.indexOf(',"outputShape"')), torch.slice(0, -1));
    assert.match(stdout, /-Infinity.*NaN/);
    assert.match(
      ran.stderr,
      /^note: the output holds NaN or Infinity, written as Python's json\.dump writes them, which is not standard JSON .*\n$/,
    );
    assert.equal(ok(wrote, "run --out").stderr.trimEnd().split("\n").length, 1, wrote.stderr);
    assert.match(wrote.stderr, /^note: \S+ours\.json holds NaN or Infinity/);
    assert.match(ok(ko, "run --lang ko").stderr, /^참고: 출력에 NaN이나 Infinity가 있어 /);
    const report = json(againstTorch, "check against torch's json.dump");
    assert.equal(report.ok, true);
    for (const name of ["output", "h_n", "y"]) assert.equal(report[name].maxAbsError, 0, name);
    // What run wrote, check reads.
    ok(await cli(["check", ...args, "--expected", out], { permissions: read }), "round trip");
    // A number where torch has NaN fails, wherever it stands (here before finite elements).
    const numberForNaN = `${dir}/number_for_nan.json`;
    Deno.writeTextFileSync(
      numberForNaN,
      Deno.readTextFileSync(new URL(REF_NONFINITE, ROOT)).replace("NaN", "0.0"),
    );
    const mismatch = await cli(["check", ...args, "--expected", numberForNaN, "--json"], {
      permissions: read,
    });
    assert.equal(mismatch.code, 1, mismatch.stderr);
    assert.equal(JSON.parse(mismatch.stdout).ok, false);
    assert.doesNotMatch(mismatch.stderr, /hint/, "no nonlinearity hint for a NaN mismatch");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli run keeps JSON.stringify's text for finite results", async () => {
  const result = ok(
    await cli(["run", "--weights", WEIGHTS, "--input", INPUT, "--batch-first"], {
      permissions: [READ],
    }),
    "run",
  );
  assert.equal(result.stdout, JSON.stringify(JSON.parse(result.stdout)) + "\n");
  assert.doesNotMatch(result.stderr, /NaN/);
});

Deno.test("cli run and check name the file, line and column of a JSON mistake, take NaN only as a whole token and say an .npz is not read", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = {
      comma: "[[[1, 2, 3],\n  [4, 5, 6],]]",
      nanx: "[[[1, NaNx, 3]]]",
      lower: "[[[1, nan, 3]]]",
      quoted: '[[[1, "NaN", 3]]]',
      ref: '{"output": [[[NaN]]],\n "h_n": [Infinity}',
      trailing: "[[[NaN]]]x",
      control: '{"output": [[[NaN]]], "h\u0001n": 1}',
    };
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${name}.json`, text);
    }
    await Deno.writeFile(`${dir}/x.npz`, new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]));
    const read = { permissions: [`--allow-read=${FIXTURES},${dir}`] };
    const run = (name: string) =>
      cli(["run", "--weights", WEIGHTS, "--input", `${dir}/${name}.json`], read);
    const check = (name: string) =>
      cli(
        ["check", "--weights", WEIGHTS, "--input", INPUT, "--expected", `${dir}/${name}.json`],
        read,
      );
    const [npz, comma, nanx, lower, quoted, ref, trailing, control] = await Promise.all([
      cli(["run", "--weights", WEIGHTS, "--input", `${dir}/x.npz`], read),
      run("comma"),
      run("nanx"),
      run("lower"),
      run("quoted"),
      check("ref"),
      run("trailing"),
      check("control"),
    ]);
    runtimeError(
      npz,
      "an .npz",
      /x\.npz: it is a zip archive \(an \.npz from numpy\.savez, or a \.pt from torch\.save\?\): save one array with numpy\.save, as \.npy$/,
    );
    runtimeError(
      trailing,
      "text after the value",
      /trailing\.json: not valid JSON at line 1, column 10: expected the end, got "x"$/,
    );
    runtimeError(
      control,
      "a control character in a string",
      /control\.json: not valid JSON at line 1, column 25: expected a valid string character, escape or closing '"', got "\\u0001"$/,
    );
    runtimeError(
      comma,
      "trailing comma",
      /^error: cannot read the input \S+comma\.json: not valid JSON at line 2, column 13: expected a value, got "\]"$/,
    );
    runtimeError(
      nanx,
      "NaNx",
      /nanx\.json: not valid JSON at line 1, column 10: expected ',' or '\]', got "x"$/,
    );
    runtimeError(
      lower,
      "nan",
      /lower\.json: not valid JSON at line 1, column 7: expected a value, got "n"$/,
    );
    runtimeError(quoted, "a string", /quoted\.json: .*must be a number: got "NaN"$/);
    runtimeError(
      ref,
      "reference",
      /^error: cannot read \S+ref\.json: not valid JSON at line 2, column 18: expected ',' or '\]', got "}"$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli example runs from an http URL with only --allow-import", async () => {
  const { code, stdout, stderr } = await runFromUrl("cli.ts", ["example", "--seed", "0"]);
  assert.equal(code, 0, stderr);
  assert.ok(stdout.includes(`output: ${lecture.outputStrNoGrad}\n`), stdout);
  assert.ok(stdout.includes(`h_n: ${lecture.hNStrNoGrad}\n`), stdout);
});

Deno.test("cli run reads torch.save's .pt as it reads the same model's safetensors", async () => {
  const run = (weights: string, more: string[] = []) =>
    cli(["run", "--weights", weights, "--input", INPUT, "--batch-first", ...more], {
      permissions: [READ],
    });
  const [pt, safetensors, module, legacy] = await Promise.all([
    run(`${FIXTURES}/pt/model.pt`),
    run(WEIGHTS),
    run(`${FIXTURES}/pt/module.pt`),
    run(`${FIXTURES}/pt/legacy.pt`),
  ]);
  assert.equal(ok(pt, "run model.pt").stdout, ok(safetensors, "run model_f32.safetensors").stdout);
  runtimeError(
    module,
    "a whole module",
    /if it is the model itself, save model\.state_dict\(\) instead; if it sits beside/,
  );
  runtimeError(legacy, "the pre-1.6 format", /the format of torch\.save before PyTorch 1\.6/);
  // A safetensors header whose size ends in byte 0x80 (a pickle's first byte) or 0x50 0x4b
  // ("PK") is still read as safetensors; a cut one says what the safetensors reader says.
  const dir = await Deno.makeTempDir();
  try {
    const model = new Uint8Array(Deno.readFileSync(new URL(WEIGHTS, ROOT)));
    const size = Number(new DataView(model.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(model.subarray(8, 8 + size)).trimEnd();
    const data = model.subarray(8 + size);
    const files: Record<string, Uint8Array> = {};
    for (const [name, padded] of [["x80", 0x80 + 256 * 16], ["pk", 0x4b50]] as const) {
      const bytes = new Uint8Array(8 + padded + data.length);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(padded), true);
      bytes.set(new TextEncoder().encode(header.padEnd(padded)), 8);
      bytes.set(data, 8 + padded);
      files[name] = bytes;
    }
    files.cut = model.subarray(0, 100);
    // Two RNNs (a model and its moving average): which one is for --prefix to say.
    const record = loadSafetensors(model);
    for (const [key, value] of Object.entries(record)) record[`ema.${key}`] = value;
    files.two = saveSafetensors(record);
    for (const [name, bytes] of Object.entries(files)) {
      Deno.writeFileSync(`${dir}/${name}.safetensors`, bytes);
    }
    const runFile = (name: string, more: string[] = []) =>
      cli([
        "run",
        "--weights",
        `${dir}/${name}.safetensors`,
        "--input",
        INPUT,
        "--batch-first",
        ...more,
      ], { permissions: [`--allow-read=${FIXTURES},${dir}`] });
    const [x80, pk, cut, two, twoWithHead, chosen] = await Promise.all([
      runFile("x80"),
      runFile("pk"),
      runFile("cut"),
      runFile("two"),
      runFile("two", ["--head", "fc."]),
      runFile("two", ["--prefix", "ema.rnn."]),
    ]);
    assert.equal(ok(x80, "header size 0x..80").stdout, safetensors.stdout);
    assert.equal(ok(pk, "header size 0x4b50").stdout, safetensors.stdout);
    runtimeError(cut, "a cut file", /cannot load a model from .*cut\.safetensors: safetensors: /);
    for (const [result, label] of [[two, "two RNNs"], [twoWithHead, "two RNNs, --head"]] as const) {
      runtimeError(
        result,
        label,
        /got 2 \("ema\.rnn\.weight_ih_l0", "rnn\.weight_ih_l0"\); give the RNN's prefix as --prefix$/,
      );
    }
    assert.equal(ok(chosen, "two RNNs, --prefix ema.rnn.").stdout, safetensors.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  // In a checkpoint {"model": state_dict}, --head fc. is found beside the RNN: model.fc.
  const checkpoint = `${FIXTURES}/pt/checkpoint.pt`;
  const [relative, full, wrong] = await Promise.all(
    ["fc.", "model.fc.", "out."].map((head) => run(checkpoint, ["--head", head])),
  );
  assert.equal(JSON.parse(ok(relative, "--head fc.").stdout).yShape.length, 3);
  assert.equal(relative.stdout, ok(full, "--head model.fc.").stdout);
  runtimeError(wrong, "--head out.", /no "out\.weight" .*a 10-column weight: "model\.fc\."/);
});
