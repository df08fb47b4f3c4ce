// Each test file gets its own database, cloned from the migrated template that scripts/test.ts prepared,
// so files run in parallel without seeing each other's rows.
import { randomBytes } from "node:crypto";
import { after } from "node:test";
import pg from "pg";
import { disconnectDb } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";

export const testSecrets = {
  NEXTAUTH_SECRET: "test-nextauth-secret-0123456789abcdef0123456789",
  TOKEN_ENCRYPTION_KEYS: `v1:${Buffer.alloc(32, 7).toString("base64")}`,
};

export function adminDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run the tests with `npm test`");
  return url;
}

export function databaseUrl(name: string) {
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database (no migrations) and drops it when the file's tests end. */
export async function createEmptyDatabase(): Promise<string> {
  const name = `t_${randomBytes(6).toString("hex")}`;
  await withAdminClient((c) => c.query(`CREATE DATABASE "${name}"`));
  after(() => withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));
  return databaseUrl(name);
}

/** A migrated database of this file's own, published as DATABASE_URL for lib/platform/db. */
export async function setUpTestDatabase(): Promise<string> {
  const template = process.env.TEST_TEMPLATE_DATABASE ?? "portal_template";
  const name = `t_${randomBytes(6).toString("hex")}`;
  await withAdminClient((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}" STRATEGY FILE_COPY`));
  const url = databaseUrl(name);
  publishEnv({ DATABASE_URL: url, ...testSecrets, ANAPLAN_SIMULATOR: "1", DATA_DIR: "/nonexistent" });
  after(async () => {
    await disconnectDb();
    await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  });
  return url;
}
