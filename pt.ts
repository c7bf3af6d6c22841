/**
 * Reading the files that `torch.save(model.state_dict(), "model.pt")` writes
 * (PyTorch 1.6 and later): a zip archive of stored (uncompressed) entries,
 * `<name>/data.pkl`, a pickle of the saved object whose tensors refer to their
 * storages by key, and `<name>/data/<key>`, each storage's raw little-endian
 * bytes.
 *
 * The pickle is read by a small machine that knows only what a state_dict or
 * a checkpoint holds (dicts, lists, tuples, numbers, strings, tensors, and a
 * few harmless values that it leaves out): any other class, such as a whole
 * `nn.Module` saved with `torch.save(model)`, is an error that names it, and
 * nothing in the file is ever run. A file this reader does not understand
 * gives an `Error` naming what is wrong, never a crash, a hang or a huge
 * allocation: what a file may make is bounded by its size.
 *
 * @module
 */
import { BIG_ENDIAN, decode, type Dtype, DTYPE_BYTES, setOwnKey } from "./_decode.ts";
import { describe } from "./_describe.ts";
import { Tensor } from "./tensor.ts";

/**
 * Every tensor of a file that `torch.save` wrote, as float32 `Tensor`s keyed
 * by name: a state_dict's own keys, or, for tensors nested in dicts and lists
 * (a checkpoint such as `{"model": state_dict, "epoch": 3}`), their path with
 * "." between keys and list indices (`model.rnn.weight_ih_l0`); a tensor saved
 * alone has the key "". Numbers, strings and the like are left out. Every
 * dtype is converted as torch's `.float()` converts it (float32 bit for bit);
 * views read their own elements of a shared storage. A file may make at most 4
 * elements per byte of its size, which refuses an expanded tensor saved from a
 * tiny storage (save `.contiguous()` instead).
 *
 * @example
 * ```ts
 * import { loadPt, RNN } from "./mod.ts";
 * const weights = loadPt(await Deno.readFile("tests/fixtures/pt/model.pt"));
 * console.log(`${RNN.fromStateDict(weights, { batchFirst: true })}`);
 * // RNN(3, 5, num_layers=2, batch_first=True, bidirectional=True)
 * ```
 */
export function loadPt(bytes: Uint8Array): Record<string, Tensor> {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`loadPt expects the file's bytes as a Uint8Array: got ${describe(bytes)}`);
  }
  if (bytes[0] === 0x80 && bytes.length > 1 && bytes[1] <= 5) {
    throw new Error(
      "pt: this file is in the format of torch.save before PyTorch 1.6 (or with " +
        "_use_new_zipfile_serialization=False); save it again with a newer torch's default",
    );
  }
  const entries = readZip(bytes);
  const names = [...entries.keys()];
  if (names.some((name) => name.endsWith("/constants.pkl") || name.includes("/code/"))) {
    throw new Error(
      "pt: this is a TorchScript archive (torch.jit.save), not torch.save's; save the state_dict",
    );
  }
  const pickles = names.filter((name) => name.endsWith("/data.pkl"));
  if (pickles.length === 0 && names.length > 0 && names.every((name) => name.endsWith(".npy"))) {
    throw new Error(
      "pt: this is a zip archive of .npy arrays (numpy.savez's .npz), not torch.save's; " +
        "save the state_dict with torch.save or safetensors",
    );
  }
  if (pickles.length !== 1) {
    throw new Error(`pt: expected one "<name>/data.pkl" in the archive: got ${pickles.length}`);
  }
  const folder = pickles[0].slice(0, -"data.pkl".length);
  const order = entries.get(`${folder}byteorder`);
  if (order && new TextDecoder().decode(order()) !== "little") {
    throw new Error("pt: the storages are big-endian; save the file on a little-endian machine");
  }
  // What a file may make (elements, and characters of keys), so that a small one cannot
  // fill memory with views that repeat a storage or paths that repeat a long key.
  let budget = 4 * bytes.length;
  const spend = (amount: number) => {
    budget -= amount;
    if (budget < 0) {
      throw new Error(
        `pt: the file would make more than 4 elements or key characters per byte of its ${bytes.length}: ` +
          "views that repeat a storage over and over, or an expanded tensor (save .contiguous())",
      );
    }
  };
  const storages = new Map<string, Float32Array>();
  const storage = (ref: StorageRef): Float32Array => {
    let values = storages.get(ref.key);
    if (values === undefined) {
      const entry = entries.get(`${folder}data/${ref.key}`);
      if (entry === undefined) throw new Error(`pt: storage "${ref.key}" is not in the archive`);
      const raw = entry(), size = DTYPE_BYTES[ref.dtype];
      if (raw.length < ref.numel * size) {
        throw new Error(
          `pt: storage "${ref.key}" holds ${raw.length} bytes, less than its ${ref.numel} elements of ${size}`,
        );
      }
      spend(ref.numel);
      // Aligned float32 is read where it lies (torch aligns storages to 64 bytes): every
      // tensor copies its elements out of it, so the caller's bytes are never written.
      values = ref.dtype === "F32" && !BIG_ENDIAN && raw.byteOffset % 4 === 0
        ? new Float32Array(raw.buffer, raw.byteOffset, ref.numel)
        : decode(ref.dtype, raw.subarray(0, ref.numel * size));
      storages.set(ref.key, values);
    }
    return values;
  };
  const saved = unpickle(entries.get(pickles[0])!(), storage, spend);
  if (!(saved instanceof Tensor || saved instanceof Map || Array.isArray(saved))) {
    throw new Error(
      `pt: the file holds ${
        saved instanceof LeftOut
          ? `a ${saved.name}`
          : isStorageRef(saved)
          ? "a storage"
          : describe(saved)
      }, not a tensor, dict or list`,
    );
  }
  const record: Record<string, Tensor> = {};
  collectTensors(saved, "", record, new Set(), spend);
  return record;
}

// ---------------------------------------------------------------------------
// The zip archive: its central directory, and a reader of each entry's stored bytes.

function readZip(bytes: Uint8Array): Map<string, () => Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number) => Number(view.getBigUint64(at, true));
  const within = (at: number, length: number, what: string) => {
    if (!(at >= 0 && length >= 0 && at + length <= bytes.length)) {
      throw new Error(`pt: ${what} runs past the end of the file (${bytes.length} bytes)`);
    }
  };
  if (bytes.length < 4 || u32(0) !== 0x04034b50) {
    throw new Error("pt: not a file torch.save wrote (it is not a zip archive)");
  }
  // The end-of-central-directory record: 22 bytes and a comment of up to 65535.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65535); at--) {
    if (u32(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Error("pt: the zip archive has no end record (is the file truncated?)");
  let count = u16(end + 10), directorySize = u32(end + 12), directory = u32(end + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directory === 0xffffffff) {
    // ZIP64: a locator just before the record points at the 64-bit record.
    within(end - 20, 20, "the zip64 locator");
    if (u32(end - 20) !== 0x07064b50) throw new Error("pt: the zip64 locator is missing");
    const record = u64(end - 12);
    within(record, 56, "the zip64 end record");
    if (u32(record) !== 0x06064b50) throw new Error("pt: the zip64 end record is missing");
    count = u64(record + 32);
    directorySize = u64(record + 40);
    directory = u64(record + 48);
  }
  within(directory, directorySize, "the zip central directory");
  const entries = new Map<string, () => Uint8Array>();
  let at = directory;
  for (let i = 0; i < count; i++) {
    within(at, 46, "a zip directory entry");
    if (u32(at) !== 0x02014b50) throw new Error(`pt: zip directory entry ${i} is damaged`);
    const method = u16(at + 10);
    let size = u32(at + 20);
    const nameLength = u16(at + 28), extraLength = u16(at + 30), commentLength = u16(at + 32);
    let local = u32(at + 42);
    within(at + 46, nameLength + extraLength + commentLength, "a zip directory entry");
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // The zip64 extra field holds, in order, the 64-bit sizes and offset that are 0xffffffff.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength;) {
      const id = u16(e), length = u16(e + 2);
      if (id === 0x0001) {
        let field = e + 4;
        const next = () => {
          within(field, 8, "a zip64 extra field");
          const value = u64(field);
          field += 8;
          return value;
        };
        if (u32(at + 24) === 0xffffffff) next();
        if (size === 0xffffffff) size = next();
        if (local === 0xffffffff) local = next();
      }
      e += 4 + length;
    }
    // Read when asked: a TorchScript archive, which compresses its code, is told apart first.
    entries.set(name, () => {
      if (method !== 0) {
        throw new Error(
          `pt: zip entry "${name}" is compressed (method ${method}); torch.save stores entries uncompressed`,
        );
      }
      within(local, 30, `zip entry "${name}"`);
      if (u32(local) !== 0x04034b50) throw new Error(`pt: zip entry "${name}" is damaged`);
      const start = local + 30 + u16(local + 26) + u16(local + 28);
      within(start, size, `zip entry "${name}"`);
      return bytes.subarray(start, start + size);
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

// ---------------------------------------------------------------------------
// The pickle: a stack machine, restricted to the opcodes and classes that a
// saved state_dict or checkpoint uses.

/** A storage that a tensor refers to: its key in the archive, dtype and length. */
interface StorageRef {
  key: string;
  dtype: Dtype;
  numel: number;
}

/** A class or function named by the pickle (GLOBAL): only those below are allowed. */
class PyGlobal {
  constructor(readonly name: string) {}
}

/** A value this reader leaves out of the result (a numpy scalar, a torch.Size, …). */
class LeftOut {
  constructor(readonly name: string) {}
}

// torch's storage classes, by the dtype of their elements.
const STORAGE_DTYPES: Readonly<Record<string, Dtype>> = {
  "torch FloatStorage": "F32",
  "torch HalfStorage": "F16",
  "torch BFloat16Storage": "BF16",
  "torch DoubleStorage": "F64",
  "torch LongStorage": "I64",
  "torch IntStorage": "I32",
  "torch ShortStorage": "I16",
  "torch CharStorage": "I8",
  "torch ByteStorage": "U8",
  "torch BoolStorage": "BOOL",
};
// What REDUCE may call: tensors, dicts, and the wrappers torch 2 puts around tensors.
const CALLABLE = new Set([
  "collections OrderedDict",
  "torch._utils _rebuild_tensor_v2",
  "torch._utils _rebuild_parameter",
  "torch._utils _rebuild_parameter_with_state",
  "torch._tensor _rebuild_from_type_v2",
]);
// The types _rebuild_from_type_v2 may give a tensor.
const TENSOR_TYPES = new Set(["torch Tensor", "torch.nn.parameter Parameter"]);
// Values a checkpoint may hold beside its tensors, which are left out of the result
// (numpy 2 pickles its scalars and arrays from numpy._core, numpy 1 from numpy.core).
const LEFT_OUT = new Set([
  "numpy.core.multiarray scalar",
  "numpy.core.multiarray _reconstruct",
  "numpy._core.multiarray scalar",
  "numpy._core.multiarray _reconstruct",
  "numpy ndarray",
  "numpy dtype",
  "torch Size",
  "torch device",
  "builtins set",
  "builtins frozenset",
  "__builtin__ set",
  "__builtin__ frozenset",
  "_codecs encode",
]);
const TORCH_DTYPES = new Set([
  "float32",
  "float",
  "float16",
  "half",
  "bfloat16",
  "float64",
  "double",
  "int64",
  "long",
  "int32",
  "int",
  "int16",
  "short",
  "int8",
  "uint8",
  "bool",
].map((name) => `torch ${name}`));

function checkGlobal(name: string): PyGlobal {
  if (
    CALLABLE.has(name) || TENSOR_TYPES.has(name) || LEFT_OUT.has(name) ||
    TORCH_DTYPES.has(name) || Object.hasOwn(STORAGE_DTYPES, name)
  ) {
    return new PyGlobal(name);
  }
  const dotted = name.replace(" ", ".");
  // Storages and rebuilders of other tensors, and the dtypes of quantized and complex ones.
  if (
    /^torch\S* (_rebuild|\w*Storage$)|^torch (qu?int\w*|complex\d*|chalf|cfloat|cdouble)$/.test(
      name,
    )
  ) {
    throw new Error(
      `pt: the file holds a tensor that cannot be read as float32 (${dotted}: a complex, ` +
        "quantized, sparse, meta or other special tensor)",
    );
  }
  // A pickled module, or an object a checkpoint holds beside the weights: which, the
  // class's name does not say (a user's model may live in any module).
  throw new Error(
    `pt: the file refers to ${dotted}, which this reader does not take (it takes tensors, ` +
      "dicts, lists and plain values): if it is the model itself, save model.state_dict() " +
      "instead; if it sits " +
      'beside the weights in a checkpoint, save them alone (torch.save(checkpoint["model"], path))',
  );
}

const MARK = Symbol("mark");

function unpickle(
  pickle: Uint8Array,
  storage: (ref: StorageRef) => Float32Array,
  spend: (amount: number) => void,
): unknown {
  const view = new DataView(pickle.buffer, pickle.byteOffset, pickle.byteLength);
  const text = new TextDecoder("utf-8", { fatal: true });
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let at = 0;
  const take = (length: number): number => {
    if (at + length > pickle.length) throw new Error("pt: data.pkl ends in the middle of a value");
    const start = at;
    at += length;
    return start;
  };
  const pop = (): unknown => {
    if (stack.length === 0 || stack.at(-1) === MARK) {
      throw new Error(`pt: data.pkl is damaged (a value is missing at byte ${at - 1})`);
    }
    return stack.pop();
  };
  const popMark = (): unknown[] => {
    const mark = stack.lastIndexOf(MARK);
    if (mark < 0) throw new Error(`pt: data.pkl is damaged (no mark at byte ${at - 1})`);
    return stack.splice(mark).slice(1);
  };
  const line = (): string => {
    const newline = pickle.indexOf(0x0a, at);
    if (newline < 0) throw new Error("pt: data.pkl ends in the middle of a name");
    const value = new TextDecoder().decode(pickle.subarray(at, newline));
    at = newline + 1;
    return value;
  };
  const string = (length: number): string => {
    const start = take(length);
    try {
      return text.decode(pickle.subarray(start, start + length));
    } catch {
      throw new Error(`pt: data.pkl holds a string that is not UTF-8 at byte ${start}`);
    }
  };
  const setItems = (dict: unknown, items: unknown[]) => {
    if (!(dict instanceof Map)) throw new Error("pt: data.pkl sets items of something not a dict");
    for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
  };
  const append = (list: unknown, items: unknown[]) => {
    if (!Array.isArray(list)) throw new Error("pt: data.pkl appends to something not a list");
    for (const item of items) list.push(item);
  };
  for (;;) {
    const opcode = pickle[take(1)];
    switch (opcode) {
      case 0x80: // PROTO
        take(1);
        break;
      case 0x95: // FRAME: a length this reader does not need
        take(8);
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) throw new Error("pt: data.pkl is damaged (it stops early)");
        return stack[0];
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(pickle[take(1)]);
        break;
      case 0x4d: // BININT2: unsigned
        stack.push(view.getUint16(take(2), true));
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(take(4), true));
        break;
      case 0x8a: { // LONG1: a little-endian two's complement integer of n bytes
        const length = pickle[take(1)], start = take(length);
        let value = 0n;
        for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(pickle[start + i]);
        if (length > 0 && pickle[start + length - 1] >= 0x80) value -= 1n << BigInt(8 * length);
        stack.push(Number(value));
        break;
      }
      case 0x47: // BINFLOAT: a big-endian double
        stack.push(view.getFloat64(take(8), false));
        break;
      case 0x58: // BINUNICODE
        stack.push(string(view.getUint32(take(4), true)));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(string(pickle[take(1)]));
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: { // TUPLE2
        const b = pop(), a = pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop(), b = pop(), a = pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x61: { // APPEND
        const item = pop();
        append(stack.at(-1), [item]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        append(stack.at(-1), items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x8f: // EMPTY_SET: left out, as its items (ADDITEMS) are
        stack.push(new LeftOut("set"));
        break;
      case 0x90: // ADDITEMS
        popMark();
        if (!(stack.at(-1) instanceof LeftOut)) {
          throw new Error("pt: data.pkl adds items to something not a set");
        }
        break;
      case 0x91: // FROZENSET
        popMark();
        stack.push(new LeftOut("frozenset"));
        break;
      case 0x42: // BINBYTES, SHORT_BINBYTES, BINBYTES8: bytes, left out
      case 0x43:
      case 0x8e: {
        const width = opcode === 0x43 ? 1 : opcode === 0x42 ? 4 : 8;
        const start = take(width);
        const length = width === 1
          ? pickle[start]
          : width === 4
          ? view.getUint32(start, true)
          : Number(view.getBigUint64(start, true));
        take(length);
        stack.push(new LeftOut("bytes"));
        break;
      }
      case 0x73: { // SETITEM
        const value = pop(), key = pop();
        setItems(stack.at(-1), [key, value]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(stack.at(-1), items);
        break;
      }
      case 0x71: // BINPUT
        memo.set(pickle[take(1)], stack.at(-1));
        break;
      case 0x72: // LONG_BINPUT
        memo.set(view.getUint32(take(4), true), stack.at(-1));
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, stack.at(-1));
        break;
      case 0x68: // BINGET
      case 0x6a: { // LONG_BINGET
        const index = opcode === 0x68 ? pickle[take(1)] : view.getUint32(take(4), true);
        if (!memo.has(index)) throw new Error(`pt: data.pkl is damaged (memo ${index} is empty)`);
        stack.push(memo.get(index));
        break;
      }
      case 0x63: // GLOBAL: "module\nname\n"
        stack.push(checkGlobal(`${line()} ${line()}`));
        break;
      case 0x93: { // STACK_GLOBAL: module and name from the stack
        const name = pop(), module = pop();
        if (typeof module !== "string" || typeof name !== "string") {
          throw new Error(`pt: data.pkl names a class by ${describe(module)} ${describe(name)}`);
        }
        stack.push(checkGlobal(`${module} ${name}`));
        break;
      }
      case 0x51: // BINPERSID: ('storage', storage class, key, location, numel)
        stack.push(storageRef(pop()));
        break;
      case 0x52: { // REDUCE
        const args = pop(), callable = pop();
        if (!(callable instanceof PyGlobal) || !Array.isArray(args)) {
          throw new Error(`pt: data.pkl calls ${describe(callable)}, which is not allowed`);
        }
        stack.push(call(callable.name, args, storage, spend));
        break;
      }
      case 0x62: // BUILD: sets an object's attributes (an OrderedDict's _metadata)
        pop();
        break;
      default:
        throw new Error(
          `pt: data.pkl uses pickle opcode 0x${opcode.toString(16)} at byte ${
            at - 1
          }, which a saved state_dict does not`,
        );
    }
  }
}

function storageRef(pid: unknown): StorageRef {
  if (
    !Array.isArray(pid) || pid.length !== 5 || pid[0] !== "storage" ||
    !(pid[1] instanceof PyGlobal) || typeof pid[2] !== "string" ||
    !Number.isSafeInteger(pid[4]) || pid[4] < 0
  ) {
    throw new Error(`pt: data.pkl refers to a storage as ${describe(pid)}`);
  }
  const dtype = STORAGE_DTYPES[pid[1].name];
  if (dtype === undefined) throw new Error(`pt: ${pid[1].name} is not a storage class`);
  return { key: pid[2], dtype, numel: pid[4] };
}

// What REDUCE makes of an allowed function and its arguments.
function call(
  name: string,
  args: unknown[],
  storage: (ref: StorageRef) => Float32Array,
  spend: (amount: number) => void,
): unknown {
  switch (name) {
    case "collections OrderedDict": // its items follow (SETITEMS)
      return new Map();
    case "torch._utils _rebuild_parameter": // (tensor, requires_grad, hooks[, state])
    case "torch._utils _rebuild_parameter_with_state":
      if (!(args[0] instanceof Tensor)) throw new Error("pt: a Parameter holds no tensor");
      return args[0];
    case "torch._tensor _rebuild_from_type_v2": { // (function, type, args, state)
      const [inner, type, innerArgs] = args;
      if (
        !(inner instanceof PyGlobal) || !(type instanceof PyGlobal) ||
        !TENSOR_TYPES.has(type.name) || !Array.isArray(innerArgs)
      ) {
        throw new Error(`pt: a tensor is rebuilt as ${describe(type)}, which is not allowed`);
      }
      return call(inner.name, innerArgs, storage, spend);
    }
    case "torch._utils _rebuild_tensor_v2": {
      // (storage, offset, size, stride, requires_grad, hooks[, metadata])
      const [ref, offset, size, stride, , , metadata] = args;
      if (!isStorageRef(ref)) throw new Error(`pt: a tensor's storage is ${describe(ref)}`);
      const tensor = rebuildTensor(storage(ref), ref, offset, size, stride, spend);
      // torch 2 saves a negated view (a bit on the tensor) as its storage and {neg: True}.
      if (metadata instanceof Map && metadata.get("conj") === true) {
        throw new Error("pt: the file holds a conjugated (complex) tensor");
      }
      if (metadata instanceof Map && metadata.get("neg") === true) {
        tensor.data.forEach((value, i) => (tensor.data[i] = -value));
      }
      return tensor;
    }
  }
  if (LEFT_OUT.has(name)) return new LeftOut(name.replace(" ", "."));
  throw new Error(`pt: ${name.replace(" ", ".")} cannot be called here`);
}

function isStorageRef(value: unknown): value is StorageRef {
  return typeof value === "object" && value !== null && "key" in value && "numel" in value;
}

// A value of the pickle in a message: a short list of numbers as it reads.
function shown(value: unknown): string {
  return Array.isArray(value) && value.length <= 8 && value.every((v) => typeof v === "number")
    ? `[${value}]`
    : describe(value);
}

// torch's `as_strided(size, stride, offset)` of a storage, as a new contiguous tensor.
function rebuildTensor(
  values: Float32Array,
  ref: StorageRef,
  offset: unknown,
  size: unknown,
  stride: unknown,
  spend: (amount: number) => void,
): Tensor {
  const isIndexList = (v: unknown): v is number[] =>
    Array.isArray(v) && v.every((x) => Number.isSafeInteger(x) && x >= 0 && x <= 2 ** 32);
  if (
    !Number.isSafeInteger(offset) || (offset as number) < 0 || !isIndexList(size) ||
    !isIndexList(stride) || size.length !== stride.length
  ) {
    throw new Error(
      `pt: a tensor of storage "${ref.key}" has offset ${shown(offset)}, size ${
        shown(size)
      } and stride ${shown(stride)}`,
    );
  }
  let count = 1, last = offset as number;
  for (let axis = 0; axis < size.length; axis++) {
    count *= size[axis];
    last += (size[axis] - 1) * stride[axis];
  }
  if (count > 0 && last >= values.length) {
    throw new Error(
      `pt: a tensor of shape [${size}] reads element ${last} of storage "${ref.key}", which holds ${values.length}`,
    );
  }
  spend(count);
  // Most saved tensors are row-major runs of their storage: one copy.
  let contiguous = true;
  for (let axis = size.length - 1, step = 1; axis >= 0; step *= size[axis--]) {
    if (size[axis] !== 1 && stride[axis] !== step) contiguous = false;
  }
  if (contiguous) {
    return new Tensor(size, values.slice(offset as number, (offset as number) + count));
  }
  const data = new Float32Array(count);
  // Walk the elements in row-major order, keeping the storage index of each.
  const index = new Array(size.length).fill(0);
  let source = offset as number;
  for (let i = 0; i < count; i++) {
    data[i] = values[source];
    for (let axis = size.length - 1; axis >= 0; axis--) {
      if (++index[axis] < size[axis]) {
        source += stride[axis];
        break;
      }
      source -= (size[axis] - 1) * stride[axis];
      index[axis] = 0;
    }
  }
  return new Tensor(size, data);
}

// A dict key in a path, as Python's str() writes it; other keys are refused.
function keyText(key: unknown): string {
  if (typeof key === "string") return key;
  if (typeof key === "number") return String(key);
  if (key === null) return "None";
  if (typeof key === "boolean") return key ? "True" : "False";
  throw new Error(`pt: a dict key is ${describe(key)}; keys must be strings or numbers`);
}

// Every tensor inside `value` (dicts and lists, to a depth of 64) into `record`, keyed
// by its path. `open` holds the containers on the path, so that a cycle ends; each
// container and key character met is spent, so that shared ones cannot multiply work.
function collectTensors(
  value: unknown,
  path: string,
  record: Record<string, Tensor>,
  open: Set<unknown>,
  spend: (amount: number) => void,
): void {
  if (value instanceof Tensor) {
    spend(path.length);
    setOwnKey(record, path, value);
    return;
  }
  if (!(value instanceof Map || Array.isArray(value)) || open.has(value)) return;
  if (open.size >= 64) throw new Error(`pt: values nest more than 64 deep (at "${path}")`);
  spend(1);
  open.add(value);
  const items: Iterable<[unknown, unknown]> = value instanceof Map ? value : value.entries();
  for (const [key, item] of items) {
    const name = keyText(key);
    collectTensors(item, path ? `${path}.${name}` : name, record, open, spend);
  }
  open.delete(value);
}
