/**
 * Every explanation `cli.ts` prints, in English and Korean (the lecture's
 * terms: hidden state, 시퀀스 길이, 배치, 가중치 공유, 타임스텝), plus the
 * language-neutral usage lines and Python snippets.
 *
 * @module
 */

/** The languages of `--lang`. */
export type Lang = "en" | "ko";

/** The CLI's commands, in the order the overview lists them. */
export const COMMANDS = [
  "example",
  "explore",
  "batch",
  "params",
  "trace",
  "run",
  "check",
  "bench",
  "help",
] as const;

/** One of `COMMANDS`. */
export type Command = typeof COMMANDS[number];

const CLI = "deno run cli.ts";

/** The syntax of each command (the same in every language; `Text.usage` labels it). */
export const USAGE: Record<Command | "all", string> = {
  all: `${CLI} <command> [options]   (${CLI} --help)`,
  example: `${CLI} example [--seed N]`,
  explore: `${CLI} explore [--seq-len 1,3,10] [--hidden 2,4,8] [--input-size I] [--seed N]`,
  batch: `${CLI} batch [--batch 4] [--seq-len 3] [--batch-first|--no-batch-first] [--seed N]`,
  params: `${CLI} params [--input-size 1] [--hidden 2] [--layers 1] [--bidirectional] [--seed N]`,
  trace: `${CLI} trace [--input 1,2,3] [--head] [--seed N]`,
  run: `deno run --allow-read=FILES cli.ts run --weights model.pt|model.safetensors ` +
    `--input x.json|x.npy|- [--batch-first] [--nonlinearity tanh|relu|sigmoid] [--prefix P] ` +
    `[--head P] [--out file]`,
  check: `deno run --allow-read=FILES cli.ts check --weights model.pt|model.safetensors ` +
    `--input x.json|x.npy|- --expected ref.json [--atol 1e-5] [--batch-first] ` +
    `[--nonlinearity tanh|relu|sigmoid] [--prefix P] [--head P]`,
  bench: `${CLI} bench [--workload W0,W1,W2,W3,W4]`,
  help: `${CLI} help [command]`,
};

/** Columns on a terminal: Hangul and other wide characters take two. */
export function displayWidth(text: string): number {
  let columns = 0;
  for (const char of text) {
    columns += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uff00-\uff60]/.test(char) ? 2 : 1;
  }
  return columns;
}

/** The width of a terminal that help and usage lines fit in. */
export const COLUMNS = 80;

// A usage line after its label, wrapped between options to fit COLUMNS, with
// continuation lines indented by four spaces.
function wrapUsage(label: string, syntax: string): string {
  const [first, ...rest] = syntax.match(/\[[^\]]*\]|--\S+(?: (?!--|\[)\S+)?|\S+/g) ?? [];
  // Then each [option], option with its value, or word: on this line if it fits.
  const lines = [label + first];
  for (const word of rest) {
    const line = lines[lines.length - 1];
    if (displayWidth(`${line} ${word}`) > COLUMNS) lines.push(`    ${word}`);
    else lines[lines.length - 1] = `${line} ${word}`;
  }
  return lines.join("\n");
}

const py = (b: boolean): string => (b ? "True" : "False");

// The flags that grant reading and writing the given files.
const permissionFlags = (read: readonly string[], write: readonly string[]): string =>
  [
    read.length ? `--allow-read=${read.join(",")}` : "",
    write.length ? `--allow-write=${write.join(",")}` : "",
  ]
    .filter(Boolean).join(" ");

// Sequence n of the batch command, [1+n, 2+n, …, L+n], written out when short.
const sequenceText = (l: number): string =>
  `[${
    l <= 3 ? Array.from({ length: l }, (_, s) => `${s + 1}+n`).join(", ") : `1+n, 2+n, …, ${l}+n`
  }]`;

// The imports every snippet starts with, so that each runs as printed.
const IMPORTS = "import torch\nimport torch.nn as nn\n";

/** The lecture's PyTorch snippet with the seed that reproduces the numbers. */
export function pythonExample(seed: string): string {
  return `${IMPORTS}
torch.manual_seed(${seed})
# (batch, seq_len, input_size)
x = torch.tensor([[[1.0], [2.0], [3.0]]])  # batch=1, seq=3, input=1

rnn = nn.RNN(input_size=1, hidden_size=2, batch_first=True)
output, h_n = rnn(x)

print("output shape:", output.shape)  # (batch, seq_len, hidden_size)
print("output:", output)
print("h_n:", h_n)`;
}

/** Every run of `explore` in PyTorch, in the same order. */
export function pythonExplore(
  seed: string,
  inputSize: number,
  seqLens: readonly number[],
  hiddens: readonly number[],
): string {
  return `${IMPORTS}
for H in [${hiddens.join(", ")}]:
    for L in [${seqLens.join(", ")}]:
        torch.manual_seed(${seed}); rnn = nn.RNN(${inputSize}, H, batch_first=True)
        x = torch.arange(1.0, L + 1).view(1, L, 1)${
    inputSize > 1 ? `.repeat(1, 1, ${inputSize})` : ""
  }; output, h_n = rnn(x)
        print(f"seq_len={L}, hidden_size={H}: output {list(output.shape)}, h_n {list(h_n.shape)}")
        print("  final hidden state h_n =", h_n)`;
}

/** `batch` in PyTorch. */
export function pythonBatch(seed: string, n: number, l: number, batchFirst: boolean): string {
  const x = `torch.arange(1.0, ${l} + 1).view(1, ${l}) + torch.arange(${n}.0).view(${n}, 1)`;
  return `${IMPORTS}
torch.manual_seed(${seed}); rnn = nn.RNN(1, 2, batch_first=${py(batchFirst)})
x = (${x}).unsqueeze(-1)${batchFirst ? "" : ".transpose(0, 1)"}; output, h_n = rnn(x)
print("output =", output)
print("h_n =", h_n)`;
}

/** `params` in PyTorch. */
export function pythonParams(
  seed: string,
  inputSize: number,
  hidden: number,
  layers: number,
  bidirectional: boolean,
): string {
  return `${IMPORTS}
torch.manual_seed(${seed}); rnn = nn.RNN(${inputSize}, ${hidden}, num_layers=${layers}, bidirectional=${
    py(bidirectional)
  })
print(rnn)
for name, p in rnn.named_parameters(): print(name, p.data)`;
}

/** `trace` in PyTorch. */
export function pythonTrace(seed: string, inputs: readonly number[], head: boolean): string {
  const xs = inputs.map((x) => (Number.isInteger(x) ? `${x}.0` : `${x}`)).join(", ");
  return `${IMPORTS}
torch.manual_seed(${seed}); rnn = nn.RNN(1, 2, batch_first=True)${
    head ? "; fc = nn.Linear(2, 1)" : ""
  }
h = torch.zeros(1, 1, 2)
for x_t in [${xs}]:
    _, h = rnn(torch.tensor([[[x_t]]]), h); print(h.flatten()${head ? ", fc(h).flatten()" : ""})`;
}

const en = {
  overview: `rnn-wasm: torch.nn.RNN on WebAssembly SIMD, for the lecture
"Week 6-1 – Recurrent Neural Networks (RNN): theory and structure".

usage: ${USAGE.all}

commands:
  example   the lecture's PyTorch example, line for line, with torch's numbers
  explore   exercise 1: change seq_len and hidden_size and watch the shapes
  batch     exercise 2: several sequences at once; each axis of output and h_n
  params    exercise 3: the weights, their shapes and roles in the equation
  trace     the table "how an RNN walks a sequence", one rnn.step() per row
  run       run a trained model (.pt or .safetensors) on an input (.json, .npy)
  check     compare this runtime with outputs dumped from PyTorch
  bench     a quick throughput figure for the standard workloads W0–W4
  help      this text; "help <command>" for one command

options of every command:
  --lang en|ko   language of the explanations (default: the locale, LC_ALL,
                 LC_MESSAGES or LANG, given env permission; else English)
  --json         machine-readable output (JSON on stdout)
  --help, -h     the command's options
  --debug        a stack trace with errors

No permission is needed, except --allow-read for the files given to run and
check (and --allow-write for run --out).`,
  help: {
    example: `The lecture's example: nn.RNN(input_size=1, hidden_size=2, batch_first=True)
on x = [[[1.0], [2.0], [3.0]]]. Prints output shape, output and h_n as PyTorch
prints them, and the Python that gives the same numbers.

  --seed N   the weights torch draws after torch.manual_seed(N); without it, a
             seed is drawn at random and printed, so the run can be repeated`,
    explore: `Exercise 1: runs one sequence x_t = t (t = 1..seq_len) through an RNN for every
combination of sequence length and hidden size, and says what changed and why.

  --seq-len 1,3,10   sequence lengths (default 1,3,10)
  --hidden 2,4,8     hidden sizes (default 2,4,8)
  --input-size I     features of each x_t (default 1; every feature is t)
  --seed N           the seed of every run's weights (default: drawn at random)`,
    batch: `Exercise 2: runs a batch of sequences (sequence n is [1+n, 2+n, …]) through
nn.RNN(1, 2), explains each axis of output and h_n, and checks that the last
step of output is h_n and that each sequence alone gives the same numbers.

  --batch N          how many sequences (default 4)
  --seq-len L        the length of each (default 3)
  --batch-first, --no-batch-first
                     the input's axis order (default: batch-first, as in the
                     lecture: (batch, seq_len, input_size))
  --seed N           the weights' seed (default: drawn at random)`,
    params: `Exercise 3: lists each parameter of an nn.RNN with its shape, element count
and role in h_t = tanh(W_x x_t + W_h h_{t-1} + b), the total and its formula,
and the values of the small ones.

  --input-size I     default 1
  --hidden H         default 2
  --layers K         default 1
  --bidirectional    add the reverse direction
  --seed N           the weights' seed (default: drawn at random)`,
    trace: `The lecture's table "how an RNN walks a sequence": one row per time step with
the step t, input x_t, previous state h_{t-1} and new state h_t, computed one
rnn.step() at a time.

  --input 1,2,3   the sequence (input_size 1; default 1,2,3)
  --head          add y_t = W_hy h_t + b_y (nn.Linear(2, 1))
  --seed N        the weights' seed (default: drawn at random)`,
    run: `Runs a trained model on an input and writes {"output", "h_n", "outputShape",
"hNShape"} as JSON (with --head also "y" and "yShape"). The model's sizes are
read from the state_dict.

  --weights FILE     the .pt file of torch.save(model.state_dict(), FILE), or a
                     .safetensors file
  --input FILE       a JSON nested array, a .npy file (float32, 16 or 64), or -
                     for stdin
  --batch-first      the input is (batch, seq_len, input_size); a state_dict
                     does not say
  --nonlinearity F   tanh (default), relu or sigmoid; a state_dict does not say
  --prefix P         the RNN's key prefix, e.g. "rnn." (default: found from the
                     keys)
  --head P           also apply the torch.nn.Linear stored as P + "weight" and
                     P + "bias" (e.g. --head fc.) to the output: y = fc(output)
  --out FILE         write there instead of stdout (needs --allow-write=FILE)`,
    check: `Compares this runtime with outputs dumped from PyTorch: runs the model as run
does and reports the largest absolute error of output and h_n (and of y with
--head). Exits with 1 when an error is larger than the tolerance.

  --weights, --input, --batch-first, --nonlinearity, --prefix, --head
                     as for run
  --expected FILE    JSON {"output": [...], "h_n": [...]} from PyTorch (with
                     --head, "y": [...] too)
  --atol X           the tolerance (default 1e-5)`,
    bench: `A quick throughput figure: times a few forwards of each standard workload
(batch-first, tanh, float32; see bench/workloads.ts). deno task bench is the
careful one.

  --workload W0,W2   which workloads (default all: W0,W1,W2,W3,W4)`,
    help: `Prints the overview, or one command's options: help <command>.`,
  },
  usage: (syntax: string): string => wrapUsage("usage: ", syntax),
  error: (message: string): string => `error: ${message}`,
  seeHelp: (command: string): string => `(see: deno run cli.ts ${command} --help)`,
  unknownCommand: (name: string): string => `unknown command "${name}"`,
  unknownOption: (option: string, command: string, meant?: string): string =>
    `unknown option ${option} for ${command}${meant ? `: did you mean ${meant}?` : ""}`,
  optionBeforeCommand: (option: string): string =>
    `${option} comes after the command: deno run cli.ts <command> ${option} …`,
  valueOfFlag: (arg: string, flag: string): string =>
    `unexpected argument "${arg}": ${flag} takes no value`,
  secondCommand: (arg: string): string => `"${arg}" is a second command: give one at a time`,
  missingValue: (option: string): string => `${option} needs a value`,
  noValue: (option: string): string => `${option} takes no value`,
  missingOption: (option: string): string => `${option} is required`,
  unexpected: (arg: string): string => `unexpected argument "${arg}"`,
  tooLarge: (
    what: "input" | "outputs" | "parameters",
    options: string,
    numbers: number,
    max: number,
  ): string =>
    `${options}: ${
      {
        input: `an input of ${numbers} numbers`,
        outputs: `outputs of ${numbers} numbers in all`,
        parameters: `${numbers} parameters`,
      }[what]
    }, more than the ${max} this lesson takes (run takes any size)`,
  badInt: (option: string, value: string): string =>
    `${option} must be a positive integer: got "${value}"`,
  badInts: (option: string, value: string): string =>
    `${option} must be positive integers separated by commas, such as 1,3,10: got "${value}"`,
  badNumbers: (option: string, value: string): string =>
    `${option} must be numbers separated by commas, such as 1,2,3: got "${value}"`,
  badNumber: (option: string, value: string): string =>
    `${option} must be a number ≥ 0: got "${value}"`,
  badSeed: (option: string, value: string): string =>
    `${option} must be an integer from -2^63 to 2^64 - 1, as torch.manual_seed takes: got "${value}"`,
  badChoice: (option: string, value: string, choices: readonly string[]): string =>
    `${option} must be one of ${choices.join(", ")}: got "${value}"`,
  needPermissions: (read: readonly string[], write: readonly string[]): string =>
    `${
      [
        read.length ? `cannot read ${read.join(", ")}` : "",
        write.length ? `cannot write ${write.join(", ")}` : "",
      ].filter(Boolean).join(" and ")
    }: run with ${permissionFlags(read, write)}`,
  notFound: (path: string): string => `cannot read ${path}: no such file`,
  cannotRead: (path: string, message: string): string => `cannot read ${path}: ${message}`,
  cannotWrite: (path: string, message: string): string => `cannot write ${path}: ${message}`,
  badWeights: (path: string, message: string): string =>
    `cannot load a model from ${path}: ${message}`,
  notWeights: "it is neither a .pt file from torch.save nor a .safetensors file",
  zipInput: "it is a zip archive (an .npz from numpy.savez, or a .pt from torch.save?): save " +
    "one array with numpy.save, as .npy",
  badInput: (path: string, message: string): string =>
    `cannot read the input ${path === "-" ? "from stdin" : path}: ${message}`,
  badExpected: (path: string, message: string): string => `cannot read ${path}: ${message}`,
  forwardFailed: (message: string): string => `cannot run the model on this input: ${message}`,
  missingKey: (key: string): string =>
    `it has no "${key}" array (expected {"output": [...], "h_n": [...]}, and "y" with --head)`,
  yUnchecked: (reference: string, weights: string, prefixes: string[]): string =>
    `note: ${reference} holds "y", which is not compared: add --head ${prefixes[0]} to apply ` +
    `${weights}'s ${prefixes[0]}weight and compare y too`,
  headIgnored: (path: string, prefixes: string[]): string =>
    `note: ${path} also holds ${prefixes.map((p) => `${p}weight`).join(", ")}; add --head ${
      prefixes[0]
    } to apply that torch.nn.Linear to the output too (y = ${
      prefixes[0].replace(/\.$/, "")
    }(output))`,
  shapeMismatch: (name: string, ours: string, theirs: string, path: string): string =>
    `${name} has shape ${ours} here but ${theirs} in ${path} (are --batch-first and the files right?)`,
  seedDrawn: (seed: string): string =>
    `seed ${seed} was drawn at random: add --seed ${seed} to repeat this run`,
  seedGiven: (seed: string): string => `seed ${seed}`,
  example: {
    header: (seed: string): string[] => [
      "# the lecture's example: x = [[[1.0], [2.0], [3.0]]]  (batch=1, seq=3, input=1)",
      `# rnn = nn.RNN(input_size=1, hidden_size=2, batch_first=True), weights as after torch.manual_seed(${seed})`,
    ],
    gradFn: "# PyTorch prints the same numbers followed by grad_fn=<TransposeBackward1> (output) " +
      "and grad_fn=<StackBackward0> (h_n): autograd's record of how they were computed, which " +
      "inference does not keep.",
    lastStep:
      "# output[:, -1] equals h_n[-1]: the last time step's output is the final hidden state h_3.",
    python:
      "# the same in PyTorch (it prints these numbers, up to float rounding in a last digit):",
  },
  explore: {
    header: (inputSize: number, seed: string): string =>
      `x: one sequence (batch 1, batch_first=True), x_t = t for t = 1..seq_len${
        inputSize > 1 ? ` in all ${inputSize} features` : ""
      }; every run draws its weights from seed ${seed}, so runs with the same hidden_size share them`,
    run: (seqLen: number, hidden: number, output: string, hN: string): string =>
      `seq_len=${seqLen}, hidden_size=${hidden}: output ${output}, h_n ${hN}`,
    hN: "  final hidden state h_n = ",
    first: (output: string, hN: string): string =>
      `  → output is (batch, seq_len, hidden_size) = ${output}; h_n is (num_layers, batch, hidden_size) = ${hN}`,
    seqLen: (from: number, to: number, hN: string, rows: number, diff: string): string =>
      `  → seq_len ${from} → ${to}: output's axis 1 went from ${from} to ${to}, one h_t per time step; ` +
      `h_n stays ${hN}, only the state after the last step. Same weights, so the first ${
        rows === 1 ? "row of output is" : `${rows} rows of output are`
      } unchanged (max |diff| ${diff}): step t sees only x_1..x_t.`,
    hidden: (from: number, to: number, inputSize: number, seqFrom: number, seqTo: number): string =>
      `  → hidden_size ${from} → ${to}: the last axis of output and h_n is now ${to} (hidden_size sets it); ` +
      `W_ih is ${to}×${inputSize} and W_hh ${to}×${to}, new weights, so the numbers start afresh.${
        seqFrom === seqTo ? "" : ` seq_len went from ${seqFrom} back to ${seqTo} too, hence axis 1.`
      }`,
    summary:
      "In short: output grows with seq_len (one row per step), h_n does not (only the last " +
      "step); hidden_size sets the last axis of both.",
    python: "In PyTorch, every run:",
  },
  batch: {
    header: (n: number, l: number, batchFirst: boolean): string =>
      `${n} sequences of length ${l} in one batch through nn.RNN(input_size=1, hidden_size=2, ` +
      `batch_first=${py(batchFirst)}); sequence n (from 0) is ${sequenceText(l)}`,
    input: (shape: string, batchFirst: boolean): string =>
      `x: ${shape} = ${
        batchFirst ? "(batch N, seq_len L, input_size)" : "(seq_len L, batch N, input_size)"
      }`,
    outputAxes: (shape: string, n: number, l: number, h: number, batchFirst: boolean): string[] => {
      const batch = `N = ${n}: which sequence of the batch`;
      const time = `L = ${l}: which time step t`;
      return [
        `output: ${shape}`,
        `  axis 0, ${batchFirst ? batch : time}`,
        `  axis 1, ${batchFirst ? time : batch}`,
        `  axis 2, H = ${h}: the hidden state's features (2·H with two directions)`,
        `  output${
          batchFirst ? "[n, t-1]" : "[t-1, n]"
        } is h_t of sequence n (of the last layer); ` +
        `Python counts from 0, so output${batchFirst ? "[n, 0]" : "[0, n]"} is h_1`,
      ];
    },
    hNAxes: (shape: string, n: number, h: number): string[] => [
      `h_n: ${shape}`,
      "  axis 0, num_layers·D = 1: one final state per layer and direction; batch_first never moves it",
      `  axis 1, N = ${n}: which sequence`,
      `  axis 2, H = ${h}: the hidden state's features`,
    ],
    checks: "checks:",
    lastStep: (batchFirst: boolean, diff: string, ok: boolean): string =>
      `  ${batchFirst ? "output[:, -1]" : "output[-1]"} == h_n[-1]: max |diff| ${diff} ${
        ok ? "✓" : "✗"
      } (the last time step's output is the final hidden state)`,
    alone: (diff: string, ok: boolean): string =>
      `  each sequence run alone (a batch of 1) gives the same output and h_n: max |diff| ${diff} ${
        ok ? "✓" : "✗"
      } (the sequences never mix; they only share the weights)`,
    python: "In PyTorch:",
  },
  params: {
    header: (module: string): string => `${module}: h_t = tanh(W_x x_t + W_h h_{t-1} + b)`,
    names:
      "  in torch's names: W_x = weight_ih, W_h = weight_hh, b = bias_ih + bias_hh (per layer, per direction)",
    printed: (repr: string): string => `  print(rnn) shows ${repr}`,
    columns: ["name", "shape", "count", "role"],
    role: (
      kind: "ih" | "hh" | "bih" | "bhh",
      layer: number,
      reverse: boolean,
      hidden: number,
      directions: number,
    ): string => {
      const below = layer === 0
        ? "the input x_t"
        : directions === 1
        ? `layer ${layer - 1}'s output h_t`
        : `layer ${layer - 1}'s output: both directions' h_t side by side (${
          directions * hidden
        } features)`;
      const text = {
        ih: `W_x${layer === 0 ? "" : ` of layer ${layer}`}: multiplies ${below}`,
        hh: "W_h: multiplies the previous state h_{t-1}",
        bih: "b, first part: b = b_ih + b_hh (torch keeps two; only their sum matters)",
        bhh: "b, second part",
      }[kind];
      return reverse ? `${text}; reverse direction` : text;
    },
    reverse: "_reverse: the reverse direction, which reads the sequence from step T down to 1 " +
      "(x_T first in layer 0; the layer below's outputs in the layers above).",
    total: (total: number): string => `total: ${total} parameters`,
    sharing: "Every parameter is used at every time step (weight sharing), so the count does " +
      "not depend on seq_len.",
    formula: (formula: string, numbers: string, total: number): string[] => [
      `  = ${formula}`,
      `  = ${numbers} = ${total}`,
      "  (D = 2 if bidirectional else 1; a layer after the first reads the D·H features of the one below)",
    ],
    values: "values (parameters of at most 50 elements), as PyTorch prints p.data:",
    hidden: (name: string, count: number): string => `${name}: ${count} elements, not shown`,
    python: "In PyTorch:",
  },
  trace: {
    equation: "h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)   (the lecture's W_x, W_h and b)",
    head: "y_t = W_hy h_t + b_y   (W_hy = fc.weight, b_y = fc.bias of nn.Linear(2, 1))",
    header: (head: boolean): string =>
      `nn.RNN(input_size=1, hidden_size=2, batch_first=True)${
        head ? " + nn.Linear(2, 1)" : ""
      }; h_0 = 0; each row is one rnn.step()`,
    columns: ["step t", "input x_t", "previous state h_{t-1}", "new state h_t", "output y_t"],
    footer: (steps: number, diff: string): string =>
      `The same W_ih, W_hh, b at every step (weight sharing). h_${steps} is h_n: it equals ` +
      `forward()'s h_n over the whole sequence (max |diff| ${diff}).`,
    noHead: "nn.RNN's output is h_t itself: the lecture's output y_t needs an output layer. " +
      "Add --head for y_t = W_hy h_t + b_y.",
    python: "In PyTorch:",
  },
  run: {
    wrote: (path: string, output: string, hN: string, y?: string): string =>
      `wrote output ${output}, h_n ${hN}${y ? ` and the head's y ${y}` : ""} to ${path}`,
    nonFinite: (path?: string): string =>
      `note: ${path ?? "the output"} holds NaN or Infinity, written as Python's json.dump ` +
      `writes them, which is not standard JSON (Python's json.load reads it, JSON.parse does not)`,
  },
  check: {
    line: (name: string, shape: string, error: string, ok: boolean, atol: string): string =>
      `${name.padEnd(7)}${shape.padEnd(14)} max |error| ${error} ${
        ok ? "✓ ≤" : "✗ >"
      } atol ${atol}`,
    ok: (atol: string, withY: boolean): string =>
      `within atol ${atol}: this runtime gives PyTorch's ${
        withY ? "output, h_n and y" : "output and h_n"
      }`,
    failed: (names: string, atol: string): string => `check failed: ${names} outside atol ${atol}`,
    hint: (nonlinearity: string, batchFirst: boolean, path: string): string =>
      `hint: a state_dict stores neither the nonlinearity nor batch_first, so check that ` +
      `--nonlinearity (${nonlinearity} here) and --batch-first (${
        batchFirst ? "on" : "off"
      } here) ` +
      `match the model and how ${path} was made`,
    roundingHint: "hint: if they do, the model may magnify float32 rounding along the sequence " +
      "(trained models can): torch's own float32 and float64 outputs then differ by about as " +
      "much as here; compare those before raising --atol",
  },
  bench: {
    header: (simd: string, deno: string, target: string): string =>
      `each workload's forward repeated for about 0.25 s, "reps" times (batch-first, tanh, float32, ` +
      `h_0 = 0); simd ${simd}, Deno ${deno}, ${target}`,
    columns: [
      "workload",
      "N",
      "L",
      "H_in",
      "H",
      "layers",
      "D",
      "ms/forward",
      "GFLOP/s",
      "steps/s",
      "reps",
    ],
    note: "GFLOP/s counts 2·L·N·(H_in·H + H·H) per layer and direction; a step is one time step " +
      "of one sequence (L·N per forward). A quick figure: deno task bench measures carefully.",
    progress: (name: string, rep: number): string => `${name}: ${rep} forward(s)…`,
  },
};

/** The shape of every language's text: that of the English. */
export type Text = typeof en;

const ko: Text = {
  overview: `rnn-wasm: WebAssembly SIMD로 구현한 torch.nn.RNN,
강의 "Week6-1 – 순환신경망 (RNN) 이론과 구조"의 실습 도구입니다.

사용법: ${USAGE.all}

명령:
  example   강의의 PyTorch 예제를 그대로 실행 (torch와 같은 숫자)
  explore   실습 1: 시퀀스 길이와 hidden_size를 바꿔 가며 shape 관찰
  batch     실습 2: 여러 시퀀스를 배치로 넣고 output과 h_n의 각 축 살펴보기
  params    실습 3: 가중치와 그 shape, 수식에서의 역할
  trace     "RNN 시퀀스 처리 흐름" 표를 rnn.step() 한 번에 한 행씩
  run       학습한 모델(.pt, .safetensors)을 입력(.json, .npy, 표준 입력)에 실행
  check     이 런타임의 결과를 PyTorch에서 저장한 결과와 비교
  bench     표준 워크로드 W0–W4의 처리량을 빠르게 측정
  help      이 도움말. 명령 하나의 도움말은 "help <명령>"

모든 명령의 옵션:
  --lang en|ko   설명에 쓸 언어 (기본값: env 권한이 있으면 로캘(LC_ALL,
                 LC_MESSAGES, LANG), 없으면 영어)
  --json         기계가 읽을 수 있는 출력 (표준 출력에 JSON)
  --help, -h     명령의 옵션
  --debug        오류와 함께 스택 트레이스 출력

권한은 필요 없습니다. 다만 run과 check에 주는 파일은 --allow-read가,
run --out은 --allow-write가 필요합니다.`,
  help: {
    example: `강의 예제: x = [[[1.0], [2.0], [3.0]]]에 nn.RNN(input_size=1,
hidden_size=2, batch_first=True)를 적용합니다. output shape, output, h_n을
PyTorch와 같은 형식으로 출력하고, 같은 숫자를 내는 Python 코드도 보여 줍니다.

  --seed N   torch.manual_seed(N) 다음에 torch가 뽑는 것과 같은 가중치.
             없으면 시드를 무작위로 뽑아 출력하므로 같은 실행을 다시 할 수
             있습니다`,
    explore: `실습 1: 시퀀스 x_t = t (t = 1..시퀀스 길이) 하나를 시퀀스 길이와 hidden_size의
모든 조합으로 RNN에 넣고, 무엇이 왜 바뀌었는지 설명합니다.

  --seq-len 1,3,10   시퀀스 길이들 (기본값 1,3,10)
  --hidden 2,4,8     hidden_size 값들 (기본값 2,4,8)
  --input-size I     x_t 하나의 특성 수 (기본값 1, 모든 특성의 값이 t)
  --seed N           모든 실행의 가중치 시드 (기본값: 무작위)`,
    batch: `실습 2: 여러 시퀀스(시퀀스 n은 [1+n, 2+n, …])를 배치 하나로
nn.RNN(1, 2)에 넣고, output과 h_n의 각 축을 설명합니다. output의 마지막
타임스텝이 h_n과 같은지, 각 시퀀스를 따로 실행해도 같은 숫자가 나오는지도
확인합니다.

  --batch N          시퀀스 개수 (기본값 4)
  --seq-len L        각 시퀀스의 길이 (기본값 3)
  --batch-first, --no-batch-first
                     입력 텐서의 축 순서 (기본값: 강의처럼 batch-first, 즉
                     (배치, 시퀀스 길이, input_size))
  --seed N           가중치 시드 (기본값: 무작위)`,
    params: `실습 3: nn.RNN의 파라미터마다 이름, shape, 원소 수, 수식
h_t = tanh(W_x x_t + W_h h_{t-1} + b)에서의 역할을 보여 주고, 전체 개수와
그 공식, 작은 파라미터의 값을 출력합니다.

  --input-size I     기본값 1
  --hidden H         기본값 2
  --layers K         층 수, 기본값 1
  --bidirectional    역방향 추가 (양방향)
  --seed N           가중치 시드 (기본값: 무작위)`,
    trace: `강의의 "RNN 시퀀스 처리 흐름" 표: 타임스텝마다 한 행에 t, x_t, h_{t-1}, h_t를
보여 주며, rnn.step()을 한 번에 한 스텝씩 호출해 계산합니다.

  --input 1,2,3   시퀀스 (input_size 1, 기본값 1,2,3)
  --head          출력 y_t = W_hy h_t + b_y 추가 (nn.Linear(2, 1))
  --seed N        가중치 시드 (기본값: 무작위)`,
    run: `학습한 모델을 입력에 실행하고 {"output", "h_n", "outputShape",
"hNShape"}를 JSON으로 씁니다 (--head가 있으면 "y"와 "yShape"도). 모델의
크기는 state_dict에서 읽습니다.

  --weights FILE     torch.save(model.state_dict(), FILE)로 저장한 .pt 파일
                     또는 .safetensors 파일
  --input FILE       JSON 중첩 배열, .npy 파일(float32, 16, 64), 또는 표준
                     입력을 뜻하는 -
  --batch-first      입력이 (batch, seq_len, input_size) 순서 (state_dict에는
                     없는 정보)
  --nonlinearity F   tanh (기본값), relu, sigmoid (state_dict에는 없는 정보)
  --prefix P         RNN 키의 접두사, 예: "rnn." (기본값: 키에서 찾음)
  --head P           P + "weight"와 P + "bias"로 저장된 torch.nn.Linear도
                     output에 적용 (예: --head fc.): y = fc(output)
  --out FILE         표준 출력 대신 이 파일에 씀 (--allow-write=FILE 필요)`,
    check: `이 런타임을 PyTorch에서 저장한 결과와 비교합니다: run처럼 모델을
실행하고 output과 h_n의 (--head가 있으면 y의) 최대 절대 오차를 보고합니다.
오차가 허용 오차보다 크면 종료 코드는 1입니다.

  --weights, --input, --batch-first, --nonlinearity, --prefix, --head
                     run과 같음
  --expected FILE    PyTorch에서 저장한 JSON {"output": [...], "h_n": [...]}
                     (--head가 있으면 "y": [...]도)
  --atol X           허용 오차 (기본값 1e-5)`,
    bench: `처리량을 빠르게 측정합니다: 표준 워크로드마다 forward를 몇 번 실행해
시간을 잽니다 (batch-first, tanh, float32; bench/workloads.ts 참고).
정밀하게 측정하려면 deno task bench를 쓰세요.

  --workload W0,W2   측정할 워크로드 (기본값: 전부, W0,W1,W2,W3,W4)`,
    help: `전체 도움말, 또는 명령 하나의 옵션을 출력합니다: help <명령>.`,
  },
  usage: (syntax) => wrapUsage("사용법: ", syntax),
  error: (message) => `오류: ${message}`,
  // With --lang ko, so that the help it points to is in Korean too.
  seeHelp: (command) => `(참고: deno run cli.ts ${command} --help --lang ko)`,
  unknownCommand: (name) => `알 수 없는 명령 "${name}"`,
  unknownOption: (option, command, meant) =>
    `${command}에는 ${option} 옵션이 없습니다${meant ? `. ${meant} 옵션을 쓰려던 것인가요?` : ""}`,
  optionBeforeCommand: (option) =>
    `${option} 옵션은 명령 뒤에 씁니다: deno run cli.ts <명령> ${option} …`,
  valueOfFlag: (arg, flag) => `예상하지 못한 인자 "${arg}": ${flag} 옵션은 값을 받지 않습니다`,
  secondCommand: (arg) => `"${arg}"도 명령입니다: 명령은 한 번에 하나만 쓸 수 있습니다`,
  missingValue: (option) => `${option}에 값이 필요합니다`,
  noValue: (option) => `${option} 옵션은 값을 받지 않습니다`,
  missingOption: (option) => `${option} 옵션이 필요합니다`,
  tooLarge: (what, options, numbers, max) =>
    `${options}: ${
      { input: "입력 숫자", outputs: "모든 실행의 출력 숫자", parameters: "파라미터" }[what]
    } ${numbers}개는 이 실습에 너무 ` +
    `많습니다. 최대 ${max}개 (run은 크기 제한 없음)`,
  unexpected: (arg) => `예상하지 못한 인자 "${arg}"`,
  badInt: (option, value) => `${option}: 양의 정수여야 합니다. 받은 값: "${value}"`,
  badInts: (option, value) =>
    `${option}: 쉼표로 구분한 양의 정수여야 합니다 (예: 1,3,10). 받은 값: "${value}"`,
  badNumbers: (option, value) =>
    `${option}: 쉼표로 구분한 숫자여야 합니다 (예: 1,2,3). 받은 값: "${value}"`,
  badNumber: (option, value) => `${option}: 0 이상의 숫자여야 합니다. 받은 값: "${value}"`,
  badSeed: (option, value) =>
    `${option}: torch.manual_seed처럼 -2^63부터 2^64 - 1까지의 정수여야 합니다. 받은 값: "${value}"`,
  badChoice: (option, value, choices) =>
    `${option}: ${choices.join(", ")} 중 하나여야 합니다. 받은 값: "${value}"`,
  needPermissions: (read, write) =>
    `${
      [
        read.length ? `읽기 권한이 없는 파일: ${read.join(", ")}` : "",
        write.length ? `쓰기 권한이 없는 파일: ${write.join(", ")}` : "",
      ].filter(Boolean).join("; ")
    }. ${permissionFlags(read, write)} 옵션을 붙여 실행하세요`,
  notFound: (path) => `${path} 파일을 읽을 수 없습니다: 그런 파일이 없습니다`,
  cannotRead: (path, message) => `${path} 파일을 읽을 수 없습니다: ${message}`,
  cannotWrite: (path, message) => `${path} 파일에 쓸 수 없습니다: ${message}`,
  badWeights: (path, message) => `${path}에서 모델을 불러올 수 없습니다: ${message}`,
  notWeights: "torch.save로 저장한 .pt 파일도, .safetensors 파일도 아닙니다",
  zipInput: "zip 아카이브입니다(numpy.savez로 만든 .npz 파일이나 torch.save로 만든 .pt " +
    "파일인가요?). 배열 하나를 numpy.save로 .npy 파일에 저장하세요",
  badInput: (path, message) =>
    `${path === "-" ? "표준 입력" : `입력 파일 ${path}`}의 내용을 읽을 수 없습니다: ${message}`,
  badExpected: (path, message) => `${path} 파일을 읽을 수 없습니다: ${message}`,
  forwardFailed: (message) => `이 입력으로 모델을 실행할 수 없습니다: ${message}`,
  missingKey: (key) =>
    `"${key}" 배열이 없습니다 ({"output": [...], "h_n": [...]} 형식이어야 하고, --head가 있으면 "y"도 필요합니다)`,
  yUnchecked: (reference, weights, prefixes) =>
    `참고: ${reference}의 "y"는 비교하지 않습니다. ${weights}의 ${prefixes[0]}weight를 적용해 ` +
    `y도 비교하려면 --head ${prefixes[0]} 옵션을 붙이세요`,
  headIgnored: (path, prefixes) =>
    `참고: ${path}에는 ${
      prefixes.map((p) => `${p}weight`).join(", ")
    }도 있습니다. 이 torch.nn.Linear를 ` +
    `output에도 적용하려면 --head ${prefixes[0]} 옵션을 붙이세요 (y = ${
      prefixes[0].replace(/\.$/, "")
    }(output))`,
  shapeMismatch: (name, ours, theirs, path) =>
    `${name}의 shape이 여기서는 ${ours}, ${path}에서는 ${theirs}입니다 (--batch-first와 파일이 맞는지 확인하세요)`,
  seedDrawn: (seed) =>
    `무작위로 뽑은 시드: ${seed}. 같은 실행을 다시 하려면 --seed ${seed} 옵션을 붙이세요`,
  seedGiven: (seed) => `시드 ${seed}`,
  example: {
    header: (seed) => [
      "# 강의 예제: x = [[[1.0], [2.0], [3.0]]]  (batch=1, seq=3, input=1)",
      `# rnn = nn.RNN(input_size=1, hidden_size=2, batch_first=True), 가중치는 torch.manual_seed(${seed}) 직후와 같음`,
    ],
    gradFn: "# PyTorch는 같은 숫자 뒤에 grad_fn=<TransposeBackward1>(output)과 " +
      "grad_fn=<StackBackward0>(h_n)을 덧붙입니다: autograd가 계산 과정을 기록한 것으로, " +
      "추론만 하는 여기서는 기록하지 않습니다.",
    lastStep:
      "# output[:, -1]은 h_n[-1]과 같습니다: 마지막 타임스텝의 출력이 곧 최종 hidden state h_3입니다.",
    python:
      "# PyTorch에서 같은 코드 (같은 숫자를 출력합니다. 드물게 반올림 때문에 마지막 자리가 다를 수 있습니다):",
  },
  explore: {
    header: (inputSize, seed) =>
      `x: 시퀀스 하나 (배치 1, batch_first=True), t = 1..시퀀스 길이에 대해 x_t = t${
        inputSize > 1 ? ` (특성 ${inputSize}개 모두)` : ""
      }. 모든 실행이 시드 ${seed}에서 가중치를 뽑으므로 hidden_size가 같은 실행끼리는 가중치가 같습니다`,
    run: (seqLen, hidden, output, hN) =>
      `시퀀스 길이=${seqLen}, hidden_size=${hidden}: output ${output}, h_n ${hN}`,
    hN: "  최종 hidden state h_n = ",
    first: (output, hN) =>
      `  → output은 (batch, seq_len, hidden_size) = ${output}, h_n은 (num_layers, batch, hidden_size) = ${hN}`,
    seqLen: (from, to, hN, rows, diff) =>
      `  → 시퀀스 길이 ${from} → ${to}: output의 축 1 크기가 바뀌었습니다 (${from} → ${to}). 타임스텝마다 h_t가 하나씩 ` +
      `나오기 때문입니다. h_n은 ${hN} 그대로입니다: 마지막 타임스텝 뒤의 hidden state 하나뿐이니까요. ` +
      `가중치가 같으므로 output의 ${
        rows === 1 ? "첫 행은" : `앞 ${rows}개 행은`
      } 그대로입니다 (최대 |차이| ${diff}). 스텝 t는 x_1..x_t만 보기 때문입니다.`,
    hidden: (from, to, inputSize, seqFrom, seqTo) =>
      `  → hidden_size ${from} → ${to}: output과 h_n의 마지막 축 크기가 이제 ${to}입니다 ` +
      `(hidden_size가 정합니다). W_ih는 ${to}×${inputSize}, W_hh는 ${to}×${to}인 새 가중치라서 ` +
      `숫자가 처음부터 완전히 달라집니다.${
        seqFrom === seqTo
          ? ""
          : ` 시퀀스 길이도 다시 바뀌었습니다 (${seqFrom} → ${seqTo}). 그래서 축 1도 달라졌습니다.`
      }`,
    summary: "정리: output은 시퀀스 길이에 따라 커지고 (스텝마다 한 행), h_n은 그렇지 않습니다 " +
      "(마지막 스텝만). hidden_size는 두 텐서의 마지막 축 크기를 정합니다.",
    python: "PyTorch에서 모든 실행을 하려면:",
  },
  batch: {
    header: (n, l, batchFirst) =>
      `길이 ${l}인 시퀀스 ${n}개를 배치 하나로 nn.RNN(input_size=1, hidden_size=2, ` +
      `batch_first=${py(batchFirst)})에 넣습니다. 시퀀스 n(n은 0부터)은 ${sequenceText(l)}입니다`,
    input: (shape, batchFirst) =>
      `x: ${shape} = ${
        batchFirst ? "(배치 N, 시퀀스 길이 L, input_size)" : "(시퀀스 길이 L, 배치 N, input_size)"
      }`,
    outputAxes: (shape, n, l, h, batchFirst) => {
      const batch = `N = ${n}: 배치 안의 몇 번째 시퀀스인지`;
      const time = `L = ${l}: 몇 번째 타임스텝 t인지`;
      return [
        `output: ${shape}`,
        `  축 0, ${batchFirst ? batch : time}`,
        `  축 1, ${batchFirst ? time : batch}`,
        `  축 2, H = ${h}: hidden state의 특성 (양방향이면 2·H)`,
        `  output${batchFirst ? "[n, t-1]" : "[t-1, n]"} = 시퀀스 n의 h_t (마지막 층의 것). ` +
        `파이썬 인덱스는 0부터이므로 h_1은 output${batchFirst ? "[n, 0]" : "[0, n]"}에 있습니다`,
      ];
    },
    hNAxes: (shape, n, h) => [
      `h_n: ${shape}`,
      "  축 0, num_layers·D = 1: 층과 방향마다 최종 상태 하나. batch_first와 상관없이 늘 맨 앞입니다",
      `  축 1, N = ${n}: 몇 번째 시퀀스인지`,
      `  축 2, H = ${h}: hidden state의 특성`,
    ],
    checks: "확인:",
    lastStep: (batchFirst, diff, ok) =>
      `  ${batchFirst ? "output[:, -1]" : "output[-1]"} == h_n[-1]: 최대 |차이| ${diff} ${
        ok ? "✓" : "✗"
      } (마지막 타임스텝의 출력이 곧 최종 hidden state)`,
    alone: (diff, ok) =>
      `  시퀀스를 하나씩 따로 (배치 1로) 실행해도 output과 h_n이 같음: 최대 |차이| ${diff} ${
        ok ? "✓" : "✗"
      } (배치 안의 시퀀스들은 섞이지 않고 가중치만 공유)`,
    python: "PyTorch에서:",
  },
  params: {
    header: (module) => `${module}: h_t = tanh(W_x x_t + W_h h_{t-1} + b)`,
    names:
      "  torch의 이름으로는: W_x = weight_ih, W_h = weight_hh, b = bias_ih + bias_hh (층마다, 방향마다)",
    printed: (repr) => `  print(rnn)의 출력: ${repr}`,
    columns: ["이름", "shape", "개수", "역할"],
    role: (kind, layer, reverse, hidden, directions) => {
      const below = layer === 0
        ? "입력 x_t"
        : directions === 1
        ? `층 ${layer - 1}의 출력 h_t`
        : `층 ${layer - 1}의 출력, 즉 두 방향의 h_t를 이어 붙인 것(특성 ${directions * hidden}개)`;
      const text = {
        ih: `${layer === 0 ? "" : `층 ${layer}의 `}W_x: ${below}에 곱함`,
        hh: "W_h: 이전 상태 h_{t-1}에 곱함",
        bih:
          "b의 첫째 부분: b = b_ih + b_hh (torch는 편향을 두 개로 나눠 두지만, 의미가 있는 것은 그 합뿐)",
        bhh: "b의 둘째 부분",
      }[kind];
      return reverse ? `역방향 ${text}` : text;
    },
    reverse: "_reverse: 역방향. 시퀀스를 스텝 T부터 1까지 거꾸로 읽습니다 " +
      "(층 0은 x_T부터, 그 위 층은 아래 층의 출력을 거꾸로).",
    total: (total) => `전체: 파라미터 ${total}개`,
    sharing: "모든 파라미터를 모든 타임스텝에서 함께 씁니다 (가중치 공유). 그래서 개수는 " +
      "시퀀스 길이와 상관없습니다.",
    formula: (formula, numbers, total) => [
      `  = ${formula}`,
      `  = ${numbers} = ${total}`,
      "  (D는 양방향이면 2, 아니면 1. 둘째 층부터는 아래 층의 D·H개 특성을 입력으로 받음)",
    ],
    values: "값 (원소 50개 이하인 파라미터), PyTorch가 p.data를 출력하는 형식으로:",
    hidden: (name, count) => `${name}: 원소 ${count}개, 생략`,
    python: "PyTorch에서:",
  },
  trace: {
    equation: "h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)   (강의의 W_x, W_h, b)",
    head: "y_t = W_hy h_t + b_y   (W_hy = fc.weight, b_y = fc.bias, nn.Linear(2, 1)의 것)",
    header: (head) =>
      `nn.RNN(input_size=1, hidden_size=2, batch_first=True)${
        head ? " + nn.Linear(2, 1)" : ""
      }; h_0 = 0; 각 행이 rnn.step() 한 번`,
    columns: ["시점 t", "입력 x_t", "이전 상태 h_{t-1}", "새로운 상태 h_t", "출력 y_t"],
    footer: (steps, diff) =>
      `모든 스텝에서 같은 W_ih, W_hh, b를 씁니다 (가중치 공유). h_n은 곧 마지막 상태 h_${steps}입니다: ` +
      `한 스텝씩 구한 마지막 상태는 시퀀스 전체에 forward()를 한 번 실행해 얻은 h_n과 같습니다 ` +
      `(최대 |차이| ${diff}).`,
    noHead: "nn.RNN의 output은 h_t 자체입니다. 강의 표의 출력 y_t는 출력층이 있어야 나오므로, " +
      "y_t = W_hy h_t + b_y를 보려면 --head를 붙이세요.",
    python: "PyTorch에서:",
  },
  run: {
    wrote: (path, output, hN, y) =>
      `${path} 파일에 썼습니다: output ${output}, h_n ${hN}${y ? `, 헤드의 y ${y}` : ""}`,
    nonFinite: (path) =>
      `참고: ${path === undefined ? "출력" : `${path} 파일`}에 NaN이나 Infinity가 있어 ` +
      `Python의 json.dump와 같은 방식으로 썼습니다. 이 형식은 표준 JSON이 아닙니다 ` +
      `(Python의 json.load는 읽지만 JSON.parse는 읽지 못합니다)`,
  },
  check: {
    line: (name, shape, error, ok, atol) =>
      `${name.padEnd(7)}${shape.padEnd(14)} 최대 |오차| ${error} ${
        ok ? "✓ ≤" : "✗ >"
      } atol ${atol}`,
    ok: (atol, withY) =>
      `atol ${atol} 이내: 이 런타임이 PyTorch와 같은 ${
        withY ? "output, h_n, y를" : "output과 h_n을"
      } 냅니다`,
    failed: (names, atol) => `확인 실패: ${names} 텐서의 오차가 허용 오차(atol ${atol})보다 큽니다`,
    hint: (nonlinearity, batchFirst, path) =>
      `힌트: state_dict에는 비선형 함수도 batch_first 여부도 저장되지 않습니다. ` +
      `--nonlinearity 옵션(지금 ${nonlinearity})과 --batch-first 옵션(지금 ${
        batchFirst ? "켜짐" : "꺼짐"
      }), 두 옵션이 모델과 ${path} 파일을 만들 때의 설정과 같은지 확인하세요`,
    roundingHint: "힌트: 두 옵션이 맞다면 모델이 시퀀스를 따라가며 float32 반올림 오차를 " +
      "키우고 있을 수 있습니다(학습된 모델은 그러기도 합니다). 그런 경우에는 torch에서도 " +
      "float32 출력과 float64 출력이 이만큼 차이 납니다. --atol을 늘리기 전에 먼저 이 두 " +
      "출력을 비교해 보세요",
  },
  bench: {
    header: (simd, deno, target) =>
      `워크로드마다 forward를 약 0.25초 동안 반복합니다. 반복한 횟수가 "반복" 열입니다 ` +
      `(batch-first, tanh, float32, h_0 = 0). simd ${simd}, Deno ${deno}, ${target}`,
    columns: [
      "워크로드",
      "N",
      "L",
      "H_in",
      "H",
      "층",
      "D",
      "ms/forward",
      "GFLOP/s",
      "스텝/s",
      "반복",
    ],
    note: "GFLOP/s는 층과 방향마다 2·L·N·(H_in·H + H·H)로 셉니다. 스텝은 시퀀스 하나의 " +
      "타임스텝 하나입니다 (forward 한 번에 L·N). 빠른 측정이므로, 정밀하게 측정하려면 " +
      "deno task bench를 쓰세요.",
    progress: (name, rep) => `${name}: forward ${rep}번…`,
  },
};

/** The text of each language. */
export const TEXT: Record<Lang, Text> = { en, ko };
