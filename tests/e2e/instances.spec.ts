// Two portal instances started at the same moment against one empty database: both come up, and the advisory
// lock makes each migration apply exactly once.
import { readdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { startDatabase, startPortal, waitUntilHealthy } from "./support/portal";
import { expect, test } from "./support/test";

test("with real Anaplan configured, an http callback URL stops start-up with a message naming NEXTAUTH_URL", async () => {
  const database = await startDatabase();
  const portal = startPortal({
    port: 3103,
    databaseUrl: database.url,
    dataDir: path.join(database.dir, "data"),
    env: {
      ANAPLAN_SIMULATOR: "0",
      ANAPLAN_CLIENT_ID: "5a1b2c3d4e5f60718293a4b5c6d7e8f9",
      ANAPLAN_CLIENT_SECRET: "secret",
      NEXTAUTH_URL: "http://portal.example.com",
    },
  });
  try {
    expect(await portal.exited).toBe(1);
    expect(portal.output()).toMatch(/NEXTAUTH_URL: http: is not https; real Anaplan only accepts https callback URLs/);
    expect(portal.output()).toContain("ANAPLAN_ALLOW_HTTP_CALLBACK=1");
  } finally {
    await portal.stop();
    await database.stop();
  }
});

test("two instances on one empty database both start and migrate once", async () => {
  test.setTimeout(120_000);
  const database = await startDatabase();
  const portals = [3101, 3102].map((port) =>
    startPortal({ port, databaseUrl: database.url, dataDir: path.join(database.dir, `data-${port}`) }),
  );
  try {
    for (const portal of portals) await waitUntilHealthy(portal.baseURL);
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
    for (const portal of portals) await portal.stop();
    await database.stop();
  }
});
