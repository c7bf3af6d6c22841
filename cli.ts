/**
 * The lesson's command line, one command per part of the lecture (week 6-1,
 * "RNN theory and structure"):
 *
 * ```sh
 * deno run cli.ts example --seed 0    # the lecture's PyTorch snippet, with torch's numbers
 * deno run cli.ts explore             # exercise 1: seq_len and hidden_size vs the shapes
 * deno run cli.ts batch               # exercise 2: a batch; each axis of output and h_n
 * deno run cli.ts params              # exercise 3: the parameters and their roles
 * deno run cli.ts trace --head        # "how an RNN walks a sequence", one step per row
 * deno run --allow-read=. cli.ts run --weights model.safetensors --input x.json
 * deno run --allow-read=. cli.ts check --weights model.safetensors --input x.json --expected ref.json
 * deno run cli.ts bench --workload W0,W2
 * ```
 *
 * Every command takes `--help`, `--json` (machine-readable output) and
 * `--lang en|ko`. No permission is needed except reading the files named to
 * `run` and `check` (and writing `--out`). Exit codes: 0 success, 1 runtime
 * error (or `check` outside tolerance), 2 usage error. The CLI only parses
 * arguments, calls mod.ts and prints; its text lives in `_cli_text.ts`.
 *
 * @module
 */
import { maxAbsDifference } from "./_compare.ts";
import {
  format,
  type FormatOptions,
  Generator,
  loadNpy,
  loadPt,
  loadSafetensors,
  type NestedArray,
  type Nonlinearity,
  RNN,
  RNNModel,
  Tensor,
  tensor,
} from "./mod.ts";
import { closestName } from "./_options.ts";
import { findRNN, parameterCount } from "./rnn.ts";
import { linearPrefixes } from "./rnn_model.ts";
import { quickTiming, WORKLOADS } from "./bench/workloads.ts";
import {
  type Command,
  COMMANDS,
  displayWidth,
  type Lang,
  pythonBatch,
  pythonExample,
  pythonExplore,
  pythonParams,
  pythonTrace,
  TEXT,
  type Text,
  USAGE,
} from "./_cli_text.ts";

// ------------------------------------------------------------------ arguments

type Kind =
  | "flag"
  | "int"
  | "ints"
  | "number"
  | "numbers"
  | "seed"
  | "string"
  | "lang"
  | "nonlinearity"
  | "workloads";
type Value = boolean | number | number[] | bigint | string | string[];
type Values = Record<string, Value | undefined>;

const COMMON: Record<string, Kind> = { json: "flag", help: "flag", debug: "flag", lang: "lang" };
const MODEL: Record<string, Kind> = {
  weights: "string",
  input: "string",
  "batch-first": "flag",
  nonlinearity: "nonlinearity",
  prefix: "string",
  head: "string",
};
const OPTIONS: Record<Command, Record<string, Kind>> = {
  example: { seed: "seed" },
  explore: { "seq-len": "ints", hidden: "ints", "input-size": "int", seed: "seed" },
  batch: { batch: "int", "seq-len": "int", "batch-first": "flag", seed: "seed" },
  params: {
    "input-size": "int",
    hidden: "int",
    layers: "int",
    bidirectional: "flag",
    seed: "seed",
  },
  trace: { input: "numbers", head: "flag", seed: "seed" },
  run: { ...MODEL, out: "string" },
  check: { ...MODEL, expected: "string", atol: "number" },
  bench: { workload: "workloads" },
  help: {},
};
const REQUIRED: Partial<Record<Command, string[]>> = {
  run: ["weights", "input"],
  check: ["weights", "input", "expected"],
};
const LANGS: readonly Lang[] = ["en", "ko"];
const NONLINEARITIES: readonly Nonlinearity[] = ["tanh", "relu", "sigmoid"];
const WORKLOAD_NAMES = WORKLOADS.map((w) => w.name);

/** A mistake in the command line: exit code 2 with the usage line. */
class UsageError extends Error {
  constructor(message: string, readonly command?: Command) {
    super(message);
  }
}

/** A runtime failure whose message is already the one line to print: exit code 1. */
class CliError extends Error {}

interface Parsed {
  command?: Command;
  topic?: string;
  values: Values;
  /** The first mistake in the line, if any (parsing goes on, to see whether help was asked). */
  error?: UsageError;
}

// An option's kind, read only from the record's own keys (not "toString" or "constructor").
const kindOf = (options: Record<string, Kind>, name: string): Kind | undefined =>
  Object.hasOwn(options, name) ? options[name] : undefined;

function parseArgs(args: readonly string[], t: Text): Parsed {
  const values: Values = {};
  let command: Command | undefined;
  let topic: string | undefined;
  let error: UsageError | undefined;
  const fail = (mistake: UsageError): void => {
    error ??= mistake;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-h") {
      values.help = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      if (command === undefined) {
        if ((COMMANDS as readonly string[]).includes(arg)) command = arg as Command;
        else fail(new UsageError(t.unknownCommand(arg)));
      } else if (command === "help" && topic === undefined) {
        topic = arg;
      } else {
        // A value after a flag such as --head, which takes none, is the likely mistake.
        const flag = args[i - 1]?.startsWith("--") && !args[i - 1].includes("=")
          ? args[i - 1]
          : undefined;
        const flagName = flag?.slice(2).replace(/^no-/, "");
        const isFlag = flagName !== undefined && command !== undefined &&
          kindOf({ ...COMMON, ...OPTIONS[command] }, flagName) === "flag";
        fail(
          new UsageError(
            (COMMANDS as readonly string[]).includes(arg)
              ? t.secondCommand(arg)
              : isFlag
              ? t.valueOfFlag(arg, flag!)
              : t.unexpected(arg),
            command,
          ),
        );
      }
      continue;
    }
    const eq = arg.indexOf("=");
    let name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const specs = { ...COMMON, ...(command ? OPTIONS[command] : {}) };
    let negated = false;
    if (
      kindOf(specs, name) === undefined && name.startsWith("no-") &&
      kindOf(specs, name.slice(3)) === "flag"
    ) {
      name = name.slice(3);
      negated = true;
    }
    const kind = kindOf(specs, name);
    const option = eq < 0 ? arg : arg.slice(0, eq);
    if (kind === undefined) {
      const bare = name.replace(/^no-/, "");
      const elsewhere = Object.values(OPTIONS).some((options) =>
        kindOf(options, name) !== undefined || kindOf(options, bare) === "flag"
      );
      const meant = closestName(name, Object.keys(specs));
      fail(
        new UsageError(
          command === undefined && elsewhere
            ? t.optionBeforeCommand(option)
            : t.unknownOption(option, command ?? "cli.ts", meant && `--${meant}`),
          command,
        ),
      );
    } else if (kind === "flag") {
      if (eq >= 0) fail(new UsageError(t.noValue(option), command));
      else values[name] = !negated;
    } else if (eq < 0 && !(i + 1 < args.length && !args[i + 1].startsWith("--"))) {
      fail(new UsageError(t.missingValue(option), command));
    } else {
      const text = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      try {
        values[name] = parseValue(kind, option, text, t, command);
      } catch (mistake) {
        if (!(mistake instanceof UsageError)) throw mistake;
        fail(mistake);
      }
    }
  }
  if (command !== undefined && !values.help) {
    for (const name of REQUIRED[command] ?? []) {
      if (values[name] === undefined) fail(new UsageError(t.missingOption(`--${name}`), command));
    }
  }
  return { command, topic, values, error };
}

function parseValue(
  kind: Kind,
  option: string,
  text: string,
  t: Text,
  command: Command | undefined,
): Value {
  const fail = (message: string): never => {
    throw new UsageError(message, command);
  };
  const positive = (item: string): number => {
    const n = Number(item);
    return /^\s*\d+\s*$/.test(item) && Number.isSafeInteger(n) && n > 0 ? n : NaN;
  };
  // Decimal notation only (Number() would also take "0x10" or "Infinity").
  const finite = (item: string): number =>
    /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(item) ? Number(item) : NaN;
  switch (kind) {
    case "int": {
      const n = positive(text);
      return Number.isNaN(n) ? fail(t.badInt(option, text)) : n;
    }
    case "ints": {
      const list = text.split(",").map(positive);
      return list.some(Number.isNaN) ? fail(t.badInts(option, text)) : list;
    }
    case "numbers": {
      const list = text.split(",").map(finite);
      return list.some((x) => !Number.isFinite(x)) ? fail(t.badNumbers(option, text)) : list;
    }
    case "number": {
      const x = finite(text);
      return Number.isFinite(x) && x >= 0 ? x : fail(t.badNumber(option, text));
    }
    case "seed": {
      const seed = /^-?\d+$/.test(text) ? BigInt(text) : undefined;
      return seed !== undefined && seed >= -(2n ** 63n) && seed < 2n ** 64n
        ? seed
        : fail(t.badSeed(option, text));
    }
    case "lang":
      return (LANGS as readonly string[]).includes(text)
        ? text
        : fail(t.badChoice(option, text, LANGS));
    case "nonlinearity":
      return (NONLINEARITIES as readonly string[]).includes(text)
        ? text
        : fail(t.badChoice(option, text, NONLINEARITIES));
    case "workloads": {
      const names = text.split(",").map((name) => name.trim().toUpperCase());
      return names.every((name) => WORKLOAD_NAMES.includes(name))
        ? names
        : fail(t.badChoice(option, text, WORKLOAD_NAMES));
    }
    default:
      return text;
  }
}

/**
 * `--lang`, else the locale's language as POSIX picks it: the first of LC_ALL,
 * LC_MESSAGES and LANG that is set, among those whose env permission is
 * already granted (never prompting); else English.
 */
function chooseLang(args: readonly string[]): Lang {
  for (let i = 0; i < args.length; i++) {
    const value = args[i] === "--lang"
      ? args[i + 1]
      : args[i].startsWith("--lang=")
      ? args[i].slice(7)
      : undefined;
    if (value === "en" || value === "ko") return value;
  }
  for (const variable of ["LC_ALL", "LC_MESSAGES", "LANG"]) {
    if (Deno.permissions.querySync({ name: "env", variable }).state !== "granted") continue;
    const locale = Deno.env.get(variable);
    if (locale) return /^ko([_.@]|$)/i.test(locale) ? "ko" : "en";
  }
  return "en";
}

// --------------------------------------------------------------------- output

interface Context {
  t: Text;
  json: boolean;
  values: Values;
}

const print = (line = ""): void => console.log(line);
const printJson = (value: unknown): void => console.log(JSON.stringify(value));
const shapeText = (shape: readonly number[]): string => `[${shape.join(", ")}]`;
const diffText = (x: number): string => (x === 0 ? "0" : x.toExponential(2));
const atolText = (x: number): string => (x > 0 && x < 1e-3 ? x.toExponential() : `${x}`);

/** A tensor after a label, its continuation lines indented by the label's width on a terminal. */
function labelled(label: string, value: Tensor): string {
  return label + `${value}`.replace(/\n(?=[^\n])/g, "\n" + " ".repeat(displayWidth(label)));
}

/** A small tensor's values as torch prints them, without the `tensor(…)` around them. */
function values1d(value: Tensor, options?: FormatOptions): string {
  return format(new Tensor([value.size], value.data), options).slice("tensor(".length, -1);
}

/** The --seed value, or a fresh 32-bit seed (`drawn`) to print so the run can be repeated. */
function seedOf(values: Values): { seed: bigint; drawn: boolean } {
  if (values.seed !== undefined) return { seed: values.seed as bigint, drawn: false };
  return { seed: BigInt(crypto.getRandomValues(new Uint32Array(1))[0]), drawn: true };
}

function seedLine(t: Text, seed: bigint, drawn: boolean): string {
  return drawn ? t.seedDrawn(`${seed}`) : t.seedGiven(`${seed}`);
}

/** Padded columns, markdown-table style. */
function table(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((h, c) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c])))
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, c) => cell + " ".repeat(widths[c] - displayWidth(cell))).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)];
}

// ------------------------------------------------------------------- commands

function example({ t, json, values }: Context): void {
  const { seed, drawn } = seedOf(values);
  const x = tensor([[[1], [2], [3]]]);
  const rnn = new RNN({
    inputSize: 1,
    hiddenSize: 2,
    batchFirst: true,
    generator: new Generator(seed),
  });
  const [output, hN] = rnn.forward(x);
  const python = pythonExample(`${seed}`);
  if (json) {
    return printJson({
      seed: `${seed}`,
      seedDrawn: drawn,
      input: x.toArray(),
      outputShape: output.shape,
      hNShape: hN.shape,
      output: output.toArray(),
      h_n: hN.toArray(),
      outputStr: `${output}`,
      hNStr: `${hN}`,
      python,
    });
  }
  for (const line of t.example.header(`${seed}`)) print(line);
  if (drawn) print(`# ${t.seedDrawn(`${seed}`)}`);
  print(`output shape: torch.Size(${shapeText(output.shape)})`);
  print(`output: ${output}`);
  print(`h_n: ${hN}`);
  print(t.example.gradFn);
  print(t.example.lastStep);
  print();
  print(t.example.python);
  print(python);
}

function explore({ t, json, values }: Context): void {
  const { seed, drawn } = seedOf(values);
  const seqLens = [...new Set((values["seq-len"] as number[] | undefined) ?? [1, 3, 10])];
  const hiddens = [...new Set((values.hidden as number[] | undefined) ?? [2, 4, 8])];
  const inputSize = (values["input-size"] as number | undefined) ?? 1;
  const longest = Math.max(...seqLens), widest = Math.max(...hiddens);
  checkLessonSize("input", "--seq-len × --input-size", longest * inputSize, "explore", t);
  const widestCount = parameterCount({
    inputSize,
    hiddenSize: widest,
    numLayers: 1,
    bias: true,
    bidirectional: false,
  });
  checkLessonSize("parameters", "--hidden", widestCount, "explore", t);
  const outputs = seqLens.reduce((sum, l) => sum + l, 0) * hiddens.reduce((sum, h) => sum + h, 0);
  checkLessonSize("outputs", "--seq-len × --hidden", outputs, "explore", t);
  const runs: { seqLen: number; hidden: number; output: Tensor; hN: Tensor; note: string }[] = [];
  const report = [];
  for (const hidden of hiddens) {
    for (const seqLen of seqLens) {
      const rnn = new RNN({
        inputSize,
        hiddenSize: hidden,
        batchFirst: true,
        generator: new Generator(seed),
      });
      const x = tensor([Array.from({ length: seqLen }, (_, s) => Array(inputSize).fill(s + 1))]);
      const [output, hN] = rnn.forward(x);
      const previous = runs.at(-1);
      let note: string;
      let prefixMaxAbsDiff: number | undefined;
      if (previous === undefined) {
        note = t.explore.first(shapeText(output.shape), shapeText(hN.shape));
      } else if (previous.hidden === hidden) {
        const rows = Math.min(previous.seqLen, seqLen);
        prefixMaxAbsDiff = maxAbsDifference(
          output.data.subarray(0, rows * hidden),
          previous.output.data.subarray(0, rows * hidden),
        );
        note = t.explore.seqLen(
          previous.seqLen,
          seqLen,
          shapeText(hN.shape),
          rows,
          diffText(prefixMaxAbsDiff),
        );
      } else {
        note = t.explore.hidden(previous.hidden, hidden, inputSize, previous.seqLen, seqLen);
      }
      runs.push({ seqLen, hidden, output, hN, note });
      report.push({
        seqLen,
        hiddenSize: hidden,
        outputShape: output.shape,
        hNShape: hN.shape,
        h_n: hN.toArray(),
        prefixMaxAbsDiff,
      });
    }
  }
  if (json) return printJson({ seed: `${seed}`, seedDrawn: drawn, inputSize, runs: report });
  print(t.explore.header(inputSize, `${seed}`));
  if (drawn) print(t.seedDrawn(`${seed}`));
  for (const run of runs) {
    print();
    print(
      t.explore.run(run.seqLen, run.hidden, shapeText(run.output.shape), shapeText(run.hN.shape)),
    );
    print(labelled(t.explore.hN, run.hN));
    print(run.note);
  }
  print();
  print(t.explore.summary);
  print(t.explore.python);
  print(pythonExplore(`${seed}`, inputSize, seqLens, hiddens));
}

// The most numbers a lesson command builds: inputs are nested arrays, then printed;
// outputs of all runs together and parameters are computed and drawn. Beyond these a
// lesson would run for minutes or run out of memory.
const LESSON_MAX = { input: 1_000_000, outputs: 10_000_000, parameters: 10_000_000 };

function checkLessonSize(
  what: keyof typeof LESSON_MAX,
  options: string,
  numbers: number,
  command: Command,
  t: Text,
): void {
  const max = LESSON_MAX[what];
  if (numbers > max) throw new UsageError(t.tooLarge(what, options, numbers, max), command);
}

function batch({ t, json, values }: Context): void {
  const { seed, drawn } = seedOf(values);
  const n = (values.batch as number | undefined) ?? 4;
  const l = (values["seq-len"] as number | undefined) ?? 3;
  checkLessonSize("input", "--batch × --seq-len", n * l, "batch", t);
  const batchFirst = (values["batch-first"] as boolean | undefined) ?? true;
  const rnn = new RNN({ inputSize: 1, hiddenSize: 2, batchFirst, generator: new Generator(seed) });
  const h = rnn.hiddenSize;
  const sequences = Array.from(
    { length: n },
    (_, b) => Array.from({ length: l }, (_, s) => s + 1 + b),
  );
  const layout = (seqs: number[][]): Tensor =>
    tensor(
      batchFirst
        ? seqs.map((seq) => seq.map((v) => [v]))
        : Array.from({ length: l }, (_, s) => seqs.map((seq) => [seq[s]])),
    );
  const x = layout(sequences);
  const [output, hN] = rnn.forward(x);
  // output[n, L-1] (or output[L-1, n]) against h_n[-1][n], element by element.
  const at = (b: number, s: number, j: number): number =>
    output.data[((batchFirst ? b * l + s : s * n + b) * h) + j];
  const last: number[] = [];
  for (let b = 0; b < n; b++) for (let j = 0; j < h; j++) last.push(at(b, l - 1, j));
  const lastStep = maxAbsDifference(last, hN.data.subarray(hN.size - n * h));
  let alone = 0;
  for (let b = 0; b < n; b++) {
    const [single, singleHN] = rnn.forward(layout([sequences[b]]));
    const mine: number[] = [];
    for (let s = 0; s < l; s++) for (let j = 0; j < h; j++) mine.push(at(b, s, j));
    alone = Math.max(
      alone,
      maxAbsDifference(mine, single.data),
      maxAbsDifference(hN.data.subarray(b * h, (b + 1) * h), singleHN.data),
    );
  }
  if (json) {
    return printJson({
      seed: `${seed}`,
      seedDrawn: drawn,
      batchFirst,
      inputShape: x.shape,
      outputShape: output.shape,
      hNShape: hN.shape,
      input: x.toArray(),
      output: output.toArray(),
      h_n: hN.toArray(),
      checks: { lastStepMaxAbsDiff: lastStep, aloneMaxAbsDiff: alone },
    });
  }
  print(t.batch.header(n, l, batchFirst));
  print(seedLine(t, seed, drawn));
  print(t.batch.input(shapeText(x.shape), batchFirst));
  for (const line of t.batch.outputAxes(shapeText(output.shape), n, l, h, batchFirst)) print(line);
  for (const line of t.batch.hNAxes(shapeText(hN.shape), n, h)) print(line);
  print();
  print(labelled("output = ", output));
  print(labelled("h_n = ", hN));
  print();
  print(t.batch.checks);
  print(t.batch.lastStep(batchFirst, diffText(lastStep), lastStep <= 1e-6));
  print(t.batch.alone(diffText(alone), alone <= 1e-6));
  print();
  print(t.batch.python);
  print(pythonBatch(`${seed}`, n, l, batchFirst));
}

function params({ t, json, values }: Context): void {
  const { seed, drawn } = seedOf(values);
  const inputSize = (values["input-size"] as number | undefined) ?? 1;
  const hidden = (values.hidden as number | undefined) ?? 2;
  const layers = (values.layers as number | undefined) ?? 1;
  const bidirectional = (values.bidirectional as boolean | undefined) ?? false;
  const d = bidirectional ? 2 : 1;
  const count = parameterCount({
    inputSize,
    hiddenSize: hidden,
    numLayers: layers,
    bias: true,
    bidirectional,
  });
  const sizeOptions = `--input-size, --hidden, --layers${bidirectional ? ", --bidirectional" : ""}`;
  checkLessonSize("parameters", sizeOptions, count, "params", t);
  const rnn = new RNN({
    inputSize,
    hiddenSize: hidden,
    numLayers: layers,
    bidirectional,
    generator: new Generator(seed),
  });
  const named = rnn.namedParameters();
  const rows = named.map(([name, p]) => {
    const [, kind, layer, reverse] = name.match(/^(\w+?)_l(\d+)(_reverse)?$/)!;
    const key = ({ weight_ih: "ih", weight_hh: "hh", bias_ih: "bih", bias_hh: "bhh" } as const)[
      kind as "weight_ih"
    ];
    const role = t.params.role(key, Number(layer), reverse !== undefined, hidden, d);
    // The lecture's symbol, the same in every language (role is the explanation).
    const term = ({ ih: "W_x", hh: "W_h", bih: "b_ih", bhh: "b_hh" } as const)[key];
    return { name, p, role, term };
  });
  const total = named.reduce((sum, [, p]) => sum + p.size, 0);
  const formula = "D·(H·H_in + H·H + 2·H) + (num_layers−1)·D·(H·D·H + H·H + 2·H)";
  const numbers = `${d}·(${hidden}·${inputSize} + ${hidden}·${hidden} + 2·${hidden}) + ` +
    `${layers - 1}·${d}·(${hidden}·${d}·${hidden} + ${hidden}·${hidden} + 2·${hidden})`;
  const module = `nn.RNN(input_size=${inputSize}, hidden_size=${hidden}, num_layers=${layers}${
    bidirectional ? ", bidirectional=True" : ""
  })`;
  if (json) {
    return printJson({
      seed: `${seed}`,
      seedDrawn: drawn,
      options: { inputSize, hiddenSize: hidden, numLayers: layers, bidirectional },
      printed: `${rnn}`,
      parameters: rows.map(({ name, p, role, term }) => ({
        name,
        shape: p.shape,
        count: p.size,
        term,
        role,
        values: p.size <= 50 ? p.toArray() : undefined,
      })),
      total,
      formula,
      formulaWithNumbers: numbers,
    });
  }
  print(t.params.header(module));
  print(t.params.names);
  print(t.params.printed(`${rnn}`));
  print(seedLine(t, seed, drawn));
  print();
  const cells = rows.map(({ name, p, role }) => [name, shapeText(p.shape), `${p.size}`, role]);
  for (const line of table(t.params.columns, cells)) print(line);
  if (bidirectional) print(t.params.reverse);
  print();
  print(t.params.total(total));
  for (const line of t.params.formula(formula, numbers, total)) print(line);
  print(t.params.sharing);
  print();
  print(t.params.values);
  for (const { name, p } of rows) {
    print(p.size <= 50 ? `${name} ${p}` : t.params.hidden(name, p.size));
  }
  print();
  print(t.params.python);
  print(pythonParams(`${seed}`, inputSize, hidden, layers, bidirectional));
}

function trace({ t, json, values }: Context): void {
  const { seed, drawn } = seedOf(values);
  const inputs = (values.input as number[] | undefined) ?? [1, 2, 3];
  const withHead = (values.head as boolean | undefined) ?? false;
  const rnnOptions = {
    inputSize: 1,
    hiddenSize: 2,
    batchFirst: true,
    generator: new Generator(seed),
  };
  const model = withHead ? new RNNModel({ rnn: rnnOptions, head: { outFeatures: 1 } }) : undefined;
  const rnn = model?.rnn ?? new RNN(rnnOptions);
  const steps: { t: number; x: number; hPrev: Tensor; h: Tensor; y?: Tensor }[] = [];
  let h: Tensor | undefined;
  for (const [i, x] of inputs.entries()) {
    const [, next] = rnn.step(tensor([[[x]]]), h);
    steps.push({
      t: i + 1,
      x,
      hPrev: h ?? Tensor.zeros(next.shape),
      h: next,
      y: model?.head.forward(next),
    });
    h = next;
  }
  const [, hN] = rnn.forward(tensor([inputs.map((x) => [x])]));
  const diff = maxAbsDifference(h!.data, hN.data);
  if (json) {
    return printJson({
      seed: `${seed}`,
      seedDrawn: drawn,
      head: withHead,
      steps: steps.map((s) => ({
        t: s.t,
        x: s.x,
        hPrev: Array.from(s.hPrev.data),
        h: Array.from(s.h.data),
        y: s.y && Array.from(s.y.data),
      })),
      h_n: hN.toArray(),
      stepVsForwardMaxAbsDiff: diff,
    });
  }
  print(t.trace.equation);
  if (withHead) print(t.trace.head);
  print(t.trace.header(withHead));
  print(seedLine(t, seed, drawn));
  print();
  const columns = withHead ? t.trace.columns : t.trace.columns.slice(0, 4);
  // The inputs in one format, as torch prints them together, each as its own [x_t].
  const xs = values1d(new Tensor([inputs.length], inputs), {
    threshold: Infinity,
    linewidth: 2 ** 31,
  })
    .slice(1, -1).split(",").map((x) => `[${x.trim()}]`);
  const rows = steps.map((s, i) => {
    const cells = [`${s.t}`, xs[i], values1d(s.hPrev), values1d(s.h)];
    return s.y ? [...cells, values1d(s.y)] : cells;
  });
  for (const line of table(columns, rows)) print(line);
  print();
  print(t.trace.footer(steps.length, diffText(diff)));
  if (!withHead) print(t.trace.noHead);
  print();
  print(t.trace.python);
  print(pythonTrace(`${seed}`, inputs, withHead));
}

// ------------------------------------------------------------- run and check

const granted = (name: "read" | "write", path: string): boolean =>
  Deno.permissions.querySync({ name, path }).state === "granted";

/**
 * Fails at once without a permission, never prompting: one line naming every
 * file the user named that lacks it, and the flag to add.
 */
function requirePermissions(t: Text, read: readonly string[], write: readonly string[] = []): void {
  const unreadable = [...new Set(read.filter((path) => !granted("read", path)))];
  const unwritable = write.filter((path) => !granted("write", path));
  if (unreadable.length || unwritable.length) {
    throw new CliError(t.needPermissions(unreadable, unwritable));
  }
}

/** The files run and check read: the weights, the input unless it is stdin, and more. */
function inputFiles(values: Values, ...more: string[]): string[] {
  const input = values.input as string;
  return [values.weights as string, ...(input === "-" ? [] : [input]), ...more];
}

// JSON's tokens, and NaN, Infinity and -Infinity, which Python's json.dump writes for the
// floats that standard JSON cannot hold.
const JSON_SPACE = /[ \t\n\r]*/y;
// A string without its closing quote: no raw control character (below U+0020).
const JSON_STRING = String.raw`"(?:[ !#-[\]-\uffff]|\\["\\/bfnrt]|\\u[\da-fA-F]{4})*`;
const JSON_STRING_START = new RegExp(JSON_STRING, "y");
const JSON_TOKEN = new RegExp(
  [
    JSON_STRING + '"',
    String.raw`-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?`,
    "-?Infinity|NaN|true|false|null",
    String.raw`[[\]{}:,]`,
  ].join("|"),
  "y",
);
const JSON_WORDS = new Map<string, unknown>([
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
  ["true", true],
  ["false", false],
  ["null", null],
]);

/**
 * JSON as Python's json.load reads it: standard JSON, and the bare tokens NaN,
 * Infinity and -Infinity outside strings. A mistake throws a SyntaxError with
 * its line and column. Only what JSON.parse refuses is read token by token,
 * about ten times slower, and recursively: nesting deeper than about 10,000
 * levels ends in a one-line "Maximum call stack size exceeded".
 */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text); // standard JSON, fast; the rest is read below, or explained
  } catch {
    // NaN, Infinity, -Infinity or a mistake
  }
  let at = 0;
  const tokenAt = (): string => {
    JSON_TOKEN.lastIndex = at;
    return JSON_TOKEN.exec(text)?.[0] ?? "";
  };
  /** The next token, after whitespace; "" at the end or where no token fits. */
  const peek = (): string => {
    JSON_SPACE.lastIndex = at;
    JSON_SPACE.test(text);
    at = JSON_SPACE.lastIndex;
    return tokenAt();
  };
  const fail = (expected: string): never => {
    if (tokenAt() === "" && text[at] === '"') {
      // Point at the bad character of a string, not at its start.
      JSON_STRING_START.lastIndex = at;
      JSON_STRING_START.test(text);
      at = JSON_STRING_START.lastIndex;
      expected = "a valid string character, escape or closing '\"'";
    }
    const got = (tokenAt() || text.slice(at, at + 1)).slice(0, 20);
    const lines = text.slice(0, at).split("\n");
    throw new SyntaxError(
      `not valid JSON at line ${lines.length}, column ${lines.at(-1)!.length + 1}: ` +
        `expected ${expected}, got ${got ? JSON.stringify(got) : "the end"}`,
    );
  };
  // The items of an array or object after its opening bracket, and the closing one.
  const items = (close: string, item: () => void): void => {
    if (peek() === close) {
      at++;
      return;
    }
    for (;;) {
      item();
      const token = peek();
      if (token !== "," && token !== close) fail(`',' or '${close}'`);
      at++;
      if (token === close) return;
    }
  };
  const value = (): unknown => {
    const token = peek();
    if (token === "[") {
      at++;
      const array: unknown[] = [];
      items("]", () => array.push(value()));
      return array;
    }
    if (token === "{") {
      at++;
      const entries: [string, unknown][] = [];
      items("}", () => {
        const key = peek();
        if (!key.startsWith('"')) fail("a string key");
        at += key.length;
        if (peek() !== ":") fail("':'");
        at++;
        entries.push([JSON.parse(key), value()]);
      });
      return Object.fromEntries(entries);
    }
    if (token === "" || "[]{}:,".includes(token)) return fail("a value");
    at += token.length;
    if (token.startsWith('"')) return JSON.parse(token);
    return JSON_WORDS.has(token) ? JSON_WORDS.get(token) : Number(token);
  };
  const result = value();
  peek();
  if (at < text.length) fail("the end");
  return result;
}

/**
 * JSON.stringify's text, except that NaN, Infinity and -Infinity are written
 * as bare tokens, as Python's json.dump writes them, instead of null; and
 * whether there were any. They pass through JSON.stringify as strings marked
 * with a leading U+0000, which the results' fixed keys never hold.
 */
function stringifyJson(value: unknown): { text: string; nonFinite: boolean } {
  let nonFinite = false;
  const text = JSON.stringify(value, (_, item) => {
    if (typeof item !== "number" || Number.isFinite(item)) return item;
    nonFinite = true;
    return `\0${item}`;
  });
  return {
    text: nonFinite ? text.replace(/"\\u0000(NaN|-?Infinity)"/g, "$1") : text,
    nonFinite,
  };
}

/** Whether a file is a zip archive ("PK"): torch.save's .pt, or numpy.savez's .npz. */
const isZip = (bytes: Uint8Array): boolean => bytes[0] === 0x50 && bytes[1] === 0x4b;

/** A file the user named, or a one-line CliError. */
function readFile(path: string, t: Text): Uint8Array {
  requirePermissions(t, [path]);
  try {
    return Deno.readFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw new CliError(t.needPermissions([path], []));
    if (error instanceof Deno.errors.NotFound) throw new CliError(t.notFound(path));
    throw new CliError(t.cannotRead(path, (error as Error).message), { cause: error });
  }
}

async function readInput(path: string, t: Text): Promise<Tensor> {
  const bytes = path === "-"
    ? new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer())
    : readFile(path, t);
  try {
    // A .npy file starts with \x93, which no JSON text does; loadNpy checks the rest.
    if (isZip(bytes)) throw new Error(t.zipInput);
    return bytes[0] === 0x93
      ? loadNpy(bytes)
      : tensor(parseJson(new TextDecoder().decode(bytes)) as NestedArray);
  } catch (error) {
    throw new CliError(t.badInput(path, (error as Error).message), { cause: error });
  }
}

/**
 * A model's results: the RNN's output and h_n, with `--head` the head's y,
 * without it the prefixes of the torch.nn.Linear heads on that output that
 * the file also holds.
 */
interface ModelResults {
  output: Tensor;
  hN: Tensor;
  y?: Tensor;
  unusedHeads: string[];
}

async function runModel(values: Values, t: Text): Promise<ModelResults> {
  const weights = values.weights as string;
  const bytes = readFile(weights, t);
  let record: Record<string, Tensor>;
  let model: RNN | RNNModel;
  try {
    // A safetensors file starts with its header's size, whose low byte may be anything, then
    // the header's "{" (never byte 8 of a zip or of torch's pickle). torch.save writes a zip
    // archive (PK\x03\x04), or before PyTorch 1.6 a pickle (\x80), which loadPt explains.
    const safetensors = bytes.length > 8 && bytes[8] === 0x7b;
    const pt = !safetensors && (isZip(bytes) || bytes[0] === 0x80);
    if (!pt && !safetensors) throw new Error(t.notWeights);
    record = pt ? loadPt(bytes) : loadSafetensors(bytes);
    const options = {
      batchFirst: values["batch-first"] as boolean | undefined,
      nonlinearity: values.nonlinearity as Nonlinearity | undefined,
    };
    const head = values.head as string | undefined;
    // Found here first, so that a missing or ambiguous RNN is explained in terms of --prefix.
    const { prefix } = findRNN(record, values.prefix as string | undefined, "--prefix");
    model = head === undefined
      ? RNN.fromStateDict(record, { ...options, prefix })
      : RNNModel.fromStateDict(record, { ...options, prefixes: { rnn: prefix, head } });
  } catch (error) {
    throw new CliError(t.badWeights(weights, (error as Error).message), { cause: error });
  }
  const input = await readInput(values.input as string, t);
  let output: Tensor, hN: Tensor, y: Tensor | undefined;
  try {
    if (model instanceof RNNModel) {
      [output, hN] = model.rnn.forward(input);
      y = model.head.forward(output);
    } else {
      [output, hN] = model.forward(input);
    }
  } catch (error) {
    throw new CliError(t.forwardFailed((error as Error).message), { cause: error });
  }
  // The torch.nn.Linear layers in the file that could apply to the output.
  const unusedHeads = y ? [] : linearPrefixes(record, output.shape[output.shape.length - 1]);
  return { output, hN, y, unusedHeads };
}

async function run({ t, json, values }: Context): Promise<void> {
  const out = values.out as string | undefined;
  requirePermissions(t, inputFiles(values), out === undefined ? [] : [out]);
  const { output, hN, y, unusedHeads } = await runModel(values, t);
  const shapes = { outputShape: output.shape, hNShape: hN.shape, ...(y && { yShape: y.shape }) };
  const { text: result, nonFinite } = stringifyJson({
    output: output.toArray(),
    h_n: hN.toArray(),
    ...(y && { y: y.toArray() }),
    ...shapes,
  });
  if (unusedHeads.length) console.error(t.headIgnored(values.weights as string, unusedHeads));
  if (out === undefined) {
    print(result);
    if (nonFinite) console.error(t.run.nonFinite(out));
    return;
  }
  try {
    Deno.writeTextFileSync(out, result + "\n");
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw new CliError(t.needPermissions([], [out]));
    throw new CliError(t.cannotWrite(out, (error as Error).message), { cause: error });
  }
  // Said only once the file holds them.
  if (nonFinite) console.error(t.run.nonFinite(out));
  const text = t.run.wrote(
    out,
    shapeText(output.shape),
    shapeText(hN.shape),
    y && shapeText(y.shape),
  );
  if (json) printJson({ out, ...shapes });
  else print(text);
}

async function check({ t, json, values }: Context): Promise<number> {
  const path = values.expected as string;
  requirePermissions(t, inputFiles(values, path));
  // PyTorch's results first: a bad file fails before the model runs.
  let reference: Record<string, unknown>;
  try {
    reference = parseJson(new TextDecoder().decode(readFile(path, t))) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(t.badExpected(path, (error as Error).message), { cause: error });
  }
  const { output, hN, y, unusedHeads } = await runModel(values, t);
  const atol = (values.atol as number | undefined) ?? 1e-5;
  const compared: [string, Tensor][] = [["output", output], ["h_n", hN]];
  if (y) compared.push(["y", y]);
  const results = compared.map(([name, ours]) => {
    const value = reference?.[name];
    if (!Array.isArray(value)) throw new CliError(t.badExpected(path, t.missingKey(name)));
    let theirs: Tensor;
    try {
      theirs = tensor(value);
    } catch (error) {
      throw new CliError(t.badExpected(path, (error as Error).message), { cause: error });
    }
    if (shapeText(theirs.shape) !== shapeText(ours.shape)) {
      throw new CliError(
        t.shapeMismatch(name, shapeText(ours.shape), shapeText(theirs.shape), path),
      );
    }
    const error = maxAbsDifference(ours.data, theirs.data);
    return { name, shape: ours.shape, maxAbsError: error, ok: error <= atol };
  });
  const ok = results.every((r) => r.ok);
  if (unusedHeads.length && Array.isArray(reference?.y)) {
    console.error(t.yUnchecked(path, values.weights as string, unusedHeads));
  }
  if (json) {
    printJson({
      atol,
      ok,
      ...Object.fromEntries(
        results.map((r) => [r.name, { shape: r.shape, maxAbsError: r.maxAbsError }]),
      ),
    });
  } else {
    for (const r of results) {
      print(
        t.check.line(r.name, shapeText(r.shape), diffText(r.maxAbsError), r.ok, atolText(atol)),
      );
    }
    if (ok) print(t.check.ok(atolText(atol), y !== undefined));
  }
  if (ok) return 0;
  const failed = results.filter((r) => !r.ok).map((r) => r.name).join(", ");
  console.error(t.error(t.check.failed(failed, atolText(atol))));
  // A wrong nonlinearity or layout shows as finite differences; NaN against a number does not.
  if (results.some((r) => !r.ok && Number.isFinite(r.maxAbsError))) {
    const nonlinearity = (values.nonlinearity as Nonlinearity | undefined) ?? "tanh";
    console.error(t.check.hint(nonlinearity, values["batch-first"] === true, path));
    console.error(t.check.roundingHint);
  }
  return 1;
}

// ---------------------------------------------------------------------- bench

function bench({ t, json, values }: Context): void {
  const names = (values.workload as string[] | undefined) ?? WORKLOAD_NAMES;
  const progress = Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  const status = (text: string) => Deno.stderr.writeSync(encoder.encode(`\r\x1b[K${text}`));
  let simd = "";
  const results = WORKLOADS.filter((w) => names.includes(w.name)).map((workload) => {
    if (progress) status(t.bench.progress(workload.name, 0));
    const { simd: build, ...timing } = quickTiming(workload, (reps) => {
      if (progress) status(t.bench.progress(workload.name, reps));
    });
    simd = build;
    const { name, batch, seqLen, options } = workload;
    return { name, batch, seqLen, options, ...timing };
  });
  if (progress) status("");
  if (json) return printJson({ simd, deno: Deno.version.deno, target: Deno.build.target, results });
  print(t.bench.header(simd, Deno.version.deno, Deno.build.target));
  print();
  const rows = results.map((r) => [
    r.name,
    `${r.batch}`,
    `${r.seqLen}`,
    `${r.options.inputSize}`,
    `${r.options.hiddenSize}`,
    `${r.options.numLayers ?? 1}`,
    r.options.bidirectional ? "2" : "1",
    r.msPerForward.toPrecision(3),
    r.gflops.toFixed(2),
    Math.round(r.stepsPerSecond).toLocaleString("en-US"),
    `${r.reps}`,
  ]);
  for (const line of table(t.bench.columns, rows)) print(line);
  print();
  print(t.bench.note);
}

// ----------------------------------------------------------------------- main

/** Prints one command's usage line and options; the exit code 0. */
function printHelp(t: Text, command: Command): number {
  print(`${t.usage(USAGE[command])}\n\n${t.help[command]}`);
  return 0;
}

/** Prints a usage error with the usage line; the exit code 2. */
function usageFailure(error: UsageError, t: Text): number {
  console.error(t.error(error.message));
  console.error(t.usage(USAGE[error.command ?? "all"]));
  if (error.command) console.error(t.seeHelp(error.command));
  return 2;
}

async function main(args: readonly string[]): Promise<number> {
  const t = TEXT[chooseLang(args)];
  const debug = args.includes("--debug");
  const { command, topic, values, error } = parseArgs(args, t);
  // Asking for a command's help gets it, whatever else is wrong with the line.
  if (values.help && command !== undefined && command !== "help") return printHelp(t, command);
  if (error) return usageFailure(error, t);
  if (command === undefined || command === "help") {
    if (topic !== undefined && !(COMMANDS as readonly string[]).includes(topic)) {
      return usageFailure(new UsageError(t.unknownCommand(topic)), t);
    }
    if (topic !== undefined) return printHelp(t, topic as Command);
    print(t.overview);
    return 0;
  }
  const context: Context = { t, json: values.json === true, values };
  try {
    switch (command) {
      case "example":
        example(context);
        break;
      case "explore":
        explore(context);
        break;
      case "batch":
        batch(context);
        break;
      case "params":
        params(context);
        break;
      case "trace":
        trace(context);
        break;
      case "run":
        await run(context);
        break;
      case "check":
        return await check(context);
      case "bench":
        bench(context);
        break;
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error, t);
    // With --debug, the stack of what failed: for a CliError, that of the error it explains.
    if (debug && error instanceof Error) {
      console.error(error.cause instanceof Error ? error.cause.stack : error.stack);
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(t.error(message.replaceAll("\n", " ")));
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
