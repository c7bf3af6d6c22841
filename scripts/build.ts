/**
 * Compiles `assembly/` with asc into the two kernel builds (relaxed SIMD and
 * strict SIMD) and writes `_kernels_wasm.generated.ts`, which embeds their
 * bytes so that `mod.ts` needs no file or network access when imported.
 *
 *   deno task build          rewrite the generated module
 *   deno task build:check    exit 1 when the committed module is stale
 *
 * @module
 */
// deno-lint-ignore no-import-prefix -- pinned here, not in deno.json's imports, which Deno installs before every task (even `example`)
import asc from "npm:assemblyscript@0.28.20/asc";

const ROOT = new URL("../", import.meta.url);
/** The generated module, relative to the repository root. */
export const GENERATED_PATH = "_kernels_wasm.generated.ts";
const TARGETS = ["relaxed", "strict", "threads", "threadsStrict"] as const;

/** Compiles one asconfig.json target and returns the .wasm bytes. */
export async function compileTarget(target: string): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  const errors: string[] = [];
  const { error } = await asc.main(
    ["--config", "asconfig.json", "--target", target],
    {
      readFile: (name: string, baseDir: string) => readText(baseDir, name),
      writeFile: (name: string, contents: Uint8Array | string) => {
        if (name.endsWith(".wasm") && contents instanceof Uint8Array) {
          binary = contents;
        }
      },
      listFiles: () => [],
      stdout: { write: () => true },
      stderr: {
        write: (text: string | Uint8Array) => {
          errors.push(String(text));
          return true;
        },
      },
    },
  );
  if (error || !binary) {
    throw new Error(
      `asc failed for target "${target}": ${error}\n${errors.join("")}`,
    );
  }
  return binary;
}

async function readText(baseDir: string, name: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(
      new URL(`${baseDir}/${name}`.replace(/^\.\//, ""), ROOT),
    );
  } catch {
    return null;
  }
}

/** SHA-256 of every kernel source and asconfig.json, in a stable order. */
export async function sourceHash(): Promise<string> {
  const names = ["asconfig.json"];
  for await (const entry of Deno.readDir(new URL("assembly/", ROOT))) {
    if (entry.isFile && entry.name.endsWith(".ts")) {
      names.push(`assembly/${entry.name}`);
    }
  }
  names.sort();
  const hasher = new TextEncoder();
  const parts = await Promise.all(
    names.map((n) => Deno.readTextFile(new URL(n, ROOT))),
  );
  const text = names.map((n, i) => `${n}\n${parts[i]}`).join("\n");
  const digest = await crypto.subtle.digest("SHA-256", hasher.encode(text));
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/** The full text of the generated module, built from the current sources. */
export async function generateKernelModule(): Promise<string> {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("asconfig.json", ROOT)),
  );
  const lines = [
    "// GENERATED FILE: DO NOT EDIT. Rebuild with `deno task build` (scripts/build.ts).",
    `// Compiler: AssemblyScript ${asc.version}; options: ${JSON.stringify(config.options)}`,
    `// Sources: assembly/*.ts and asconfig.json, sha256 ${await sourceHash()}`,
    "// The bytes of every kernel build, so that importing mod.ts needs no --allow-read or --allow-net.",
    "",
    "function decodeBase64(text: string): Uint8Array<ArrayBuffer> {",
    "  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));",
    "}",
    "",
  ];
  for (const target of TARGETS) {
    const bytes = await compileTarget(target);
    const flags = JSON.stringify(config.targets[target]);
    lines.push(
      `/** The "${target}" build (${flags}), ${bytes.length} bytes. */`,
      `export const ${target}Wasm: Uint8Array<ArrayBuffer> = decodeBase64(`,
      `  "${encodeBase64(bytes)}",`,
      ");",
      "",
    );
  }
  return lines.join("\n");
}

function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

if (import.meta.main) {
  const text = await generateKernelModule();
  const path = new URL(GENERATED_PATH, ROOT);
  if (Deno.args.includes("--check")) {
    const committed = await Deno.readTextFile(path).catch(() => "");
    if (committed !== text) {
      console.error(
        `${GENERATED_PATH} is stale: run \`deno task build\` and commit it.`,
      );
      Deno.exit(1);
    }
    console.log(`${GENERATED_PATH} is up to date.`);
  } else {
    await Deno.writeTextFile(path, text);
    console.log(`wrote ${GENERATED_PATH}`);
  }
}
