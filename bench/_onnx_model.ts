// An ONNX model of one of our RNNs, built in code for the peer benchmark
// (bench/peers.ts): a ModelProto (IR 8, opset 14) written in protobuf wire
// format by hand, so no model files, no torch and no protobuf library.
//
// Per layer one ONNX `RNN` node (seq-first: X [L, N, H_in,l], W [D, H, H_in,l],
// R [D, H, H], B [D, 2H] = b_ih ‖ b_hh; forward then reverse), its Y
// [L, D, N, H] transposed and reshaped to [L, N, D·H] for the next layer, its
// Y_h [D, N, H] concatenated along axis 0 into h_n: torch.nn.RNN's semantics
// with h0 = 0. Field numbers are onnx/onnx.proto's.

import type { RNN } from "../mod.ts";
import type { Workload } from "./workloads.ts";

// TensorProto.DataType
const FLOAT = 1, INT64 = 7;
// AttributeProto.AttributeType
const ATTR_INT = 2, ATTR_STRING = 3, ATTR_INTS = 7, ATTR_STRINGS = 8;

const ACTIVATION = { tanh: "Tanh", relu: "Relu", sigmoid: "Sigmoid" } as const;

const utf8 = new TextEncoder();

/** A protobuf message being written: fields in order, nested messages length-delimited. */
class Message {
  #chunks: Uint8Array[] = [];
  #size = 0;

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#size += bytes.length;
  }

  #varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`bad varint ${value}`);
    const bytes: number[] = [];
    while (value >= 0x80) {
      bytes.push((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    bytes.push(value);
    this.#push(Uint8Array.from(bytes));
  }

  /** A varint field (wire type 0): int32, int64, enum. */
  int(field: number, value: number): this {
    this.#varint(field * 8);
    this.#varint(value);
    return this;
  }

  /** A length-delimited field (wire type 2): bytes, string or a nested message. */
  bytes(field: number, value: Uint8Array | string | Message): this {
    const bytes = typeof value === "string"
      ? utf8.encode(value)
      : value instanceof Message
      ? value.finish()
      : value;
    this.#varint(field * 8 + 2);
    this.#varint(bytes.length);
    this.#push(bytes);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#size);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian). */
function tensor(name: string, dims: number[], values: ArrayLike<number>, type = FLOAT): Message {
  const size = dims.reduce((a, b) => a * b, 1);
  if (values.length !== size) throw new Error(`${name}: ${values.length} values for [${dims}]`);
  const raw = new DataView(new ArrayBuffer(size * (type === FLOAT ? 4 : 8)));
  for (let i = 0; i < size; i++) {
    if (type === FLOAT) raw.setFloat32(4 * i, values[i], true);
    else raw.setBigInt64(8 * i, BigInt(values[i]), true);
  }
  const m = new Message();
  for (const d of dims) m.int(1, d);
  return m.int(2, type).bytes(8, name).bytes(9, new Uint8Array(raw.buffer));
}

/** ValueInfoProto of a float tensor with a fixed shape. */
function floatValue(name: string, dims: number[]): Message {
  const shape = new Message();
  for (const d of dims) shape.bytes(1, new Message().int(1, d)); // TensorShapeProto.dim.dim_value
  const tensorType = new Message().int(1, FLOAT).bytes(2, shape); // elem_type, shape
  return new Message().bytes(1, name).bytes(2, new Message().bytes(1, tensorType));
}

type Attribute = number | string | number[] | string[];

/** AttributeProto: name = 1, i = 3, s = 4, ints = 8, strings = 9, type = 20. */
function attribute(name: string, value: Attribute): Message {
  const m = new Message().bytes(1, name);
  if (typeof value === "number") return m.int(3, value).int(20, ATTR_INT);
  if (typeof value === "string") return m.bytes(4, value).int(20, ATTR_STRING);
  if (value.every((v) => typeof v === "number")) {
    for (const v of value) m.int(8, v);
    return m.int(20, ATTR_INTS);
  }
  for (const v of value) m.bytes(9, v as string);
  return m.int(20, ATTR_STRINGS);
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. */
function node(
  opType: string,
  name: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, Attribute> = {},
): Message {
  const m = new Message();
  for (const i of inputs) m.bytes(1, i);
  for (const o of outputs) m.bytes(2, o);
  m.bytes(3, name).bytes(4, opType);
  for (const [key, value] of Object.entries(attributes)) m.bytes(5, attribute(key, value));
  return m;
}

/**
 * The serialised ONNX ModelProto computing `rnn.forward(x)` (h0 = 0) for the
 * workload's fixed shapes: input "x" [N, L, H_in] (or [L, N, H_in] when not
 * batchFirst), outputs "output" [N, L, D·H] and "h_n" [D·numLayers, N, H].
 */
export function onnxRnnModel(
  rnn: RNN,
  workload: Pick<Workload, "batch" | "seqLen">,
): Uint8Array {
  const { batch: N, seqLen: L } = workload;
  const { hiddenSize: H, numLayers, bidirectional, batchFirst } = rnn;
  const D = bidirectional ? 2 : 1;
  const params = rnn.stateDict();
  const suffixes = bidirectional ? ["", "_reverse"] : [""];
  const cat = (names: string[]) => {
    const parts = names.map((name) => params[name].data);
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  };

  const initializers: Message[] = [];
  const nodes: Message[] = [];
  const hNs: string[] = [];
  const [inDims, outDims] = batchFirst
    ? [[N, L, rnn.inputSize], [N, L, D * H]]
    : [[L, N, rnn.inputSize], [L, N, D * H]];

  let X = "x";
  if (batchFirst) {
    nodes.push(node("Transpose", "x_seq_first", ["x"], ["x_t"], { perm: [1, 0, 2] }));
    X = "x_t";
  }
  for (let layer = 0; layer < numLayers; layer++) {
    const inWidth = layer === 0 ? rnn.inputSize : D * H;
    const names = (kind: string) => suffixes.map((s) => `${kind}_l${layer}${s}`);
    const [W, R, B] = [`W_${layer}`, `R_${layer}`, `B_${layer}`];
    initializers.push(tensor(W, [D, H, inWidth], cat(names("weight_ih"))));
    initializers.push(tensor(R, [D, H, H], cat(names("weight_hh"))));
    const inputs = [X, W, R];
    if (rnn.bias) {
      // B[d] = bias_ih ‖ bias_hh of direction d.
      const b = suffixes.flatMap((s) => [`bias_ih_l${layer}${s}`, `bias_hh_l${layer}${s}`]);
      initializers.push(tensor(B, [D, 2 * H], cat(b)));
      inputs.push(B);
    }
    const last = layer === numLayers - 1;
    const [Y, Yh] = [`Y_${layer}`, numLayers === 1 ? "h_n" : `Y_h_${layer}`];
    nodes.push(
      node("RNN", `rnn_${layer}`, inputs, [Y, Yh], {
        hidden_size: H,
        direction: bidirectional ? "bidirectional" : "forward",
        activations: suffixes.map(() => ACTIVATION[rnn.nonlinearity]),
      }),
    );
    hNs.push(Yh);

    // Y [L, D, N, H] → [L, N, D·H] (seq-first) or, for the last layer when
    // batch-first, straight to [N, L, D·H]. Where D = 1 and the order of L and
    // N stays, the transpose is a no-op and only the reshape remains.
    const toBatchFirst = last && batchFirst;
    const next = last ? "output" : `X_${layer + 1}`;
    const shape = `shape_${layer}`;
    initializers.push(tensor(shape, [3], toBatchFirst ? [N, L, D * H] : [L, N, D * H], INT64));
    let source = Y;
    if (D > 1 || toBatchFirst) {
      source = `Y_${layer}_t`;
      const perm = toBatchFirst ? [2, 0, 1, 3] : [0, 2, 1, 3];
      nodes.push(node("Transpose", `y_${layer}_transpose`, [Y], [source], { perm }));
    }
    nodes.push(node("Reshape", `y_${layer}_reshape`, [source, shape], [next]));
    X = next;
  }
  if (numLayers > 1) nodes.push(node("Concat", "h_n_concat", hNs, ["h_n"], { axis: 0 }));

  // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
  const graph = new Message();
  for (const n of nodes) graph.bytes(1, n);
  graph.bytes(2, "rnn");
  for (const t of initializers) graph.bytes(5, t);
  graph.bytes(11, floatValue("x", inDims));
  graph.bytes(12, floatValue("output", outDims));
  graph.bytes(12, floatValue("h_n", [D * numLayers, N, H]));

  // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 {domain, version}.
  return new Message()
    .int(1, 8)
    .bytes(2, "rnn-wasm bench/_onnx_model.ts")
    .bytes(7, graph)
    .bytes(8, new Message().bytes(1, "").int(2, 14))
    .finish();
}
