/**
 * The lesson's command line: `deno run cli.ts example` runs the lecture's
 * PyTorch example. It only parses arguments, calls mod.ts and prints.
 *
 * @module
 */
import { type NestedArray, RNN, tensor } from "./mod.ts";

const USAGE = `usage: deno run cli.ts <command>

commands:
  example    the lecture's nn.RNN(input_size=1, hidden_size=2, batch_first=True)
             on x = [[[1], [2], [3]]]: output shape, output and h_n
  help       this text`;

/** Numbers printed with four decimals, nested as the tensor is. */
function formatNested(value: NestedArray, indent = 0): string {
  if (typeof value === "number") return value.toFixed(4).padStart(7);
  if (value.every((v) => typeof v === "number")) {
    return `[${value.map((v) => formatNested(v)).join(", ")}]`;
  }
  const pad = " ".repeat(indent + 1);
  return `[${value.map((v) => formatNested(v, indent + 1)).join(`,\n${pad}`)}]`;
}

function example(): void {
  const x = tensor([[[1], [2], [3]]]);
  const rnn = new RNN({ inputSize: 1, hiddenSize: 2, batchFirst: true });
  const [output, hN] = rnn.forward(x);
  console.log(`# x: (batch=1, seq=3, input=1); rnn = RNN(inputSize 1, hiddenSize 2, batchFirst)`);
  console.log(`output shape: [${output.shape.join(", ")}]  # (batch, seq_len, hidden_size)`);
  console.log(`output: ${formatNested(output.toArray(), 8)}`);
  console.log(`h_n: ${formatNested(hN.toArray(), 5)}`);
  console.log(`# weights are random (torch's default init); output[:, -1] equals h_n[-1].`);
}

if (import.meta.main) {
  const [command, ...rest] = Deno.args;
  if (command === "example" && rest.length === 0) {
    example();
  } else if (command === "help" || command === "--help" || command === undefined) {
    console.log(USAGE);
  } else {
    console.error(`unknown command or argument: ${[command, ...rest].join(" ")}\n${USAGE}`);
    Deno.exit(2);
  }
}
