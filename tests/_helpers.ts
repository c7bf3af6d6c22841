// Assertion helpers of our own: deno std's assert lives on JSR, which this
// project cannot reach, so tests use node:assert/strict plus these.

import assert from "node:assert/strict";
import { Tensor } from "../mod.ts";

/** The largest |actual - expected| and where it is; NaN counts as equal only to NaN. */
export function worstError(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): { index: number; error: number } {
  let worst = { index: -1, error: 0 };
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    const error = Number.isNaN(e)
      ? (Number.isNaN(a) ? 0 : Infinity)
      : a === e
      ? 0
      : Math.abs(a - e);
    if (!(error <= worst.error)) worst = { index: i, error };
  }
  return worst;
}

/**
 * Asserts equal shapes and |actual - expected| <= atol + rtol·|expected| element-wise;
 * a failure names the worst index, both values and the tolerance. Returns the worst error.
 */
export function assertAllClose(
  actual: Tensor,
  expected: { shape: readonly number[]; data: ArrayLike<number> },
  { atol = 1e-5, rtol = 0, label = "tensor" }: { atol?: number; rtol?: number; label?: string } =
    {},
): number {
  assert.deepEqual([...actual.shape], [...expected.shape], `${label}: shape`);
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i], e = expected.data[i];
    const bothNaN = Number.isNaN(a) && Number.isNaN(e);
    const error = a === e || bothNaN ? 0 : Math.abs(a - e);
    const tolerance = atol + rtol * Math.abs(e);
    if (!(error <= tolerance)) {
      assert.fail(
        `${label}: element ${i} differs by ${error} > tolerance ${tolerance}: actual ${a}, expected ${e}`,
      );
    }
    worst = Math.max(worst, error);
  }
  return worst;
}

/** One of `items`, drawn with `random`. */
export const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)];

/** A small seeded PRNG (mulberry32) so property tests are repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A tensor of the given shape with uniform values in [-scale, scale). */
export function randomTensor(random: () => number, shape: number[], scale = 1): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = (random() * 2 - 1) * scale;
  return t;
}

/** A tensor as the fixture generators write it: shape and row-major values. */
export interface TensorJson {
  shape: number[];
  data: number[];
}

/** One case that real PyTorch computed (see tests/fixtures/make_*_fixtures.py). */
export interface Fixture {
  name: string;
  options: {
    inputSize: number;
    hiddenSize: number;
    numLayers: number;
    nonlinearity: "tanh" | "relu";
    bias: boolean;
    batchFirst: boolean;
    bidirectional: boolean;
  };
  stateDict: Record<string, TensorJson>;
  input: TensorJson;
  h0: TensorJson | null;
  lengths?: number[];
  output: TensorJson;
  hN: TensorJson;
}

/** A Tensor from a fixture's JSON. */
export const toTensor = (t: TensorJson): Tensor => new Tensor(t.shape, t.data);

/** Every fixture in tests/fixtures/<folder>/, sorted by name. */
export function loadFixtures(folder: string): Fixture[] {
  const dir = new URL(`./fixtures/${folder}/`, import.meta.url);
  const fixtures: Fixture[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.name.endsWith(".json")) {
      fixtures.push(JSON.parse(Deno.readTextFileSync(new URL(entry.name, dir))));
    }
  }
  return fixtures.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Serves the repository on 127.0.0.1 and runs `deno run <url of path> ...args`
 * with no permission but --allow-import for that host, in an empty directory
 * with a fresh DENO_DIR; returns the exit code and the decoded output.
 */
export async function runFromUrl(
  path: string,
  args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const root = new URL("../", import.meta.url);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      try {
        const body = await Deno.readFile(new URL(`.${new URL(request.url).pathname}`, root));
        return new Response(body, { headers: { "content-type": "application/typescript" } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  const host = `127.0.0.1:${server.addr.port}`;
  const cwd = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", `--allow-import=${host}`, `http://${host}/${path}`, ...args],
      cwd,
      env: { DENO_DIR: `${cwd}/deno_dir`, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code, stdout: decode(stdout), stderr: decode(stderr) };
  } finally {
    await server.shutdown();
    await Deno.remove(cwd, { recursive: true });
  }
}

/** Forward's input shape and h0's shape for these options: unbatched, batch-first or time-major. */
export function forwardShapes(
  options: {
    inputSize: number;
    hiddenSize: number;
    numLayers?: number;
    batchFirst?: boolean;
    bidirectional?: boolean;
  },
  seqLen: number,
  batch: number,
  unbatched = false,
): { input: number[]; state: number[] } {
  const states = (options.bidirectional ? 2 : 1) * (options.numLayers ?? 1);
  if (unbatched) {
    return { input: [seqLen, options.inputSize], state: [states, options.hiddenSize] };
  }
  return {
    input: options.batchFirst
      ? [batch, seqLen, options.inputSize]
      : [seqLen, batch, options.inputSize],
    state: [states, batch, options.hiddenSize],
  };
}
