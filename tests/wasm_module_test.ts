// Proves from the built bytes that the kernels are WebAssembly SIMD, import
// nothing, and that the committed generated module matches a fresh build.

import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix -- pinned here, not in deno.json's imports, which Deno installs before every task (even `example`)
import initWabt from "npm:wabt@1.0.39";
import {
  relaxedWasm,
  strictWasm,
  threadsStrictWasm,
  threadsWasm,
} from "../_kernels_wasm.generated.ts";
import { GENERATED_PATH, generateKernelModule } from "../scripts/build.ts";
import { ACTIVATION_CODES, PLAN } from "../_kernels.ts";

const wabt = await initWabt();
const FEATURES = { simd: true, relaxed_simd: true, threads: true };

/** The module as text, with the exported function names attached. */
function disassemble(bytes: Uint8Array): string {
  const module = wabt.readWasm(new Uint8Array(bytes), { readDebugNames: true, ...FEATURES });
  // wabt 1.0.39's validate() takes the feature flags again, though its types say it takes none.
  (module.validate as (features: typeof FEATURES) => void)(FEATURES);
  const text = module.toText({ foldExprs: false, inlineExport: true });
  module.destroy();
  return text;
}

/** Body text of each function, keyed by export name or "$index"; and what each calls. */
function functions(text: string): Map<string, { body: string; calls: string[] }> {
  const result = new Map<string, { body: string; calls: string[] }>();
  const chunks = text.split("\n  (func ").slice(1);
  chunks.forEach((chunk, index) => {
    const exported = chunk.match(/^\S*\s*\(export "([^"]+)"\)/)?.[1];
    const calls = [...chunk.matchAll(/\bcall (\d+|\$\S+)/g)].map((m) =>
      `$${m[1].replace(/^\$/, "")}`
    );
    result.set(exported ?? `$${index}`, { body: chunk, calls });
  });
  return result;
}

/** The text of an exported function and every function it reaches. */
function reachable(text: string, root: string): string {
  const table = functions(text);
  const seen = new Set<string>([root]);
  const queue = [root];
  let body = "";
  while (queue.length) {
    const entry = table.get(queue.pop()!);
    assert.ok(entry, `function ${root} is in the module`);
    body += entry.body;
    for (const callee of entry.calls) {
      if (!seen.has(callee)) seen.add(callee), queue.push(callee);
    }
  }
  return body;
}

const count = (text: string, instruction: string) => text.split(instruction).length - 1;

const KERNEL_EXPORTS = [
  "function heapBase",
  "function linearForward",
  "function packBias",
  "function packWeight",
  "function packingBytes",
  "function paddedWidth",
  "function rnnForward",
];

for (
  const [name, bytes] of [
    ["relaxed", relaxedWasm],
    ["strict", strictWasm],
    ["threads", threadsWasm],
    ["threadsStrict", threadsStrictWasm],
  ] as const
) {
  Deno.test(`the ${name} kernel build imports nothing it does not need and exports only numeric kernels`, () => {
    const module = new WebAssembly.Module(bytes);
    const imports = WebAssembly.Module.imports(module).map((i) =>
      `${i.kind} ${i.module}.${i.name}`
    );
    const exports = WebAssembly.Module.exports(module).map((e) => `${e.kind} ${e.name}`).sort();
    // The threads build's one import is the shared memory both threads run on.
    const shared = name === "threads" || name === "threadsStrict";
    assert.deepEqual(imports, shared ? ["memory env.memory"] : []);
    assert.deepEqual(exports, [...KERNEL_EXPORTS, "memory memory"].sort());
  });

  Deno.test(`the ${name} build's forward runs on v128: broadcast loads, vector multiply-adds, vector tanh`, () => {
    const forward = reachable(disassemble(bytes), "rnnForward");
    assert.ok(count(forward, "v128.load32_splat") >= 5, "broadcast of A elements");
    assert.ok(count(forward, "v128.load ") + count(forward, "v128.load\n") >= 4, "panel loads");
    assert.ok(count(forward, "v128.store") >= 2, "vector stores");
    assert.ok(count(forward, "f32x4.div") >= 1, "the rational tanh");
    assert.ok(
      count(forward, "f32x4.pmin") >= 1 && count(forward, "f32x4.pmax") >= 1,
      "NaN-keeping clamps",
    );
    if (name === "strict" || name === "threadsStrict") {
      assert.equal(count(forward, "relaxed"), 0);
      assert.ok(count(forward, "f32x4.mul") >= 10 && count(forward, "f32x4.add") >= 10);
    } else {
      assert.ok(count(forward, "f32x4.relaxed_madd") >= 10, "fused multiply-adds");
    }
    // Only the threads builds synchronise, with a spinning barrier on atomics.
    assert.equal(
      count(forward, "i32.atomic.rmw.add") >= 1,
      name === "threads" || name === "threadsStrict",
    );
  });
}

Deno.test(`${GENERATED_PATH} is byte-identical to a fresh build of assembly/`, async () => {
  const committed = await Deno.readTextFile(new URL(`../${GENERATED_PATH}`, import.meta.url));
  const fresh = await generateKernelModule();
  assert.ok(
    committed === fresh,
    `${GENERATED_PATH} is stale: run \`deno task build\` and commit it`,
  );
});

Deno.test("the wrapper's plan fields and activation codes are those the kernels read", () => {
  // `export const PLAN_SEQ_LEN: i32 = 0;` in AssemblyScript is `seqLen: 0` in _kernels.ts.
  const constants = (file: string, prefix: string) => {
    const text = Deno.readTextFileSync(new URL(`../assembly/${file}`, import.meta.url));
    const pattern = new RegExp(`^export const ${prefix}_(\\w+): i32 = (\\d+);`, "gm");
    return Object.fromEntries(
      [...text.matchAll(pattern)].map(([, name, value]) => [
        name.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
        Number(value),
      ]),
    );
  };
  assert.deepEqual(constants("rnn_forward.ts", "PLAN"), PLAN);
  const { identity, ...codes } = constants("activation.ts", "ACT");
  assert.equal(identity, 0);
  assert.deepEqual(codes, ACTIVATION_CODES);
});
