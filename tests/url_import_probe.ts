// Imported over HTTP by import_by_url_test.ts: runs the lecture example and
// prints the shapes. Any permission prompt or read would fail the run.
import { RNN, tensor } from "../mod.ts";

const rnn = new RNN({ inputSize: 1, hiddenSize: 2, batchFirst: true });
const [output, hN] = rnn.forward(tensor([[[1], [2], [3]]]));
console.log(JSON.stringify({ output: output.shape, hN: hN.shape, simd: rnn.simd }));
