import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

Deno.test("mod.ts imported from an http URL runs the lecture example with only --allow-import", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const path = new URL(request.url).pathname;
      try {
        const body = await Deno.readFile(new URL(`.${path}`, ROOT));
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
      args: [
        "run",
        "--no-prompt",
        `--allow-import=${host}`,
        `http://${host}/tests/url_import_probe.ts`,
      ],
      cwd,
      env: { DENO_DIR: `${cwd}/deno_dir`, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const errors = new TextDecoder().decode(stderr);
    assert.equal(code, 0, errors);
    const result = JSON.parse(new TextDecoder().decode(stdout));
    assert.deepEqual(result.output, [1, 3, 2]);
    assert.deepEqual(result.hN, [1, 1, 2]);
  } finally {
    await server.shutdown();
    await Deno.remove(cwd, { recursive: true });
  }
});
