// Two portal instances started at the same moment against one empty database: both come up, and the advisory
// lock makes each migration apply exactly once.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { startEmbeddedPostgres } from "../../lib/db/embedded";

test("two instances on one empty database both start and migrate once", async ({ request }) => {
  test.setTimeout(120_000);
  const dir = await mkdtemp(path.join(os.tmpdir(), "portal-instances-"));
  await chmod(dir, 0o755); // the embedded server runs as the postgres user when we are root
  const database = await startEmbeddedPostgres({
    dir: path.join(dir, "pg"),
    password: randomBytes(12).toString("hex"),
    database: "shared",
    durable: false,
  });
  const servers: ChildProcess[] = [];
  try {
    for (const port of [3101, 3102]) {
      servers.push(
        spawn("node_modules/.bin/next", ["start", "-p", String(port)], {
          detached: true,
          stdio: "ignore",
          env: {
            ...process.env,
            DATABASE_URL: database.url,
            DATA_DIR: path.join(dir, `data-${port}`),
            NEXTAUTH_URL: `http://localhost:${port}`,
            NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
            TOKEN_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
            ANAPLAN_SIMULATOR: "1",
            SIMULATOR_PORT: "0",
          },
        }),
      );
    }
    for (const port of [3101, 3102]) {
      await expect
        .poll(async () => (await request.get(`http://localhost:${port}/api/health`).catch(() => null))?.status(), {
          timeout: 90_000,
        })
        .toBe(200);
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ migration_name: string; finished_at: Date | null }>(
      `SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    await client.end();
    const expected = (await readdir("prisma/migrations", { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(rows.map((r) => r.migration_name)).toEqual(expected);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  } finally {
    for (const server of servers) if (server.pid) process.kill(-server.pid, "SIGTERM");
    await new Promise((r) => setTimeout(r, 1000));
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
