// Applies prisma/migrations/<name>/migration.sql in order and records each in _prisma_migrations exactly as
// `prisma migrate deploy` does, so either tool can take over. Prisma's own advisory-lock key is used, so two
// app instances (or this runner and Prisma) never apply the same migration twice.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

const PRISMA_MIGRATE_LOCK = 72707369;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    detail: string,
  ) {
    super(`Migration ${migration} failed: ${detail}`);
    this.name = "MigrationError";
  }
}

export const defaultMigrationsDir = () => path.join(process.cwd(), /*turbopackIgnore: true*/ "prisma", "migrations");

export async function listMigrations(dir: string) {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  return Promise.all(
    names.sort().map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

type Recorded = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null };

/** Returns the names of the migrations this call applied (empty when the database was up to date). */
export async function migrate(connectionString: string, dir = defaultMigrationsDir()): Promise<string[]> {
  const migrations = await listMigrations(dir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<Recorded>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    for (const m of migrations) {
      const records = rows.filter((r) => r.migration_name === m.name && r.rolled_back_at === null);
      if (records.some((r) => r.finished_at !== null)) continue;
      if (records.length > 0) {
        throw new MigrationError(m.name, "it failed before and was left unresolved; fix it, then mark it rolled back");
      }
      await applyOne(client, m);
      applied.push(m.name);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => {});
    await client.end();
  }
  return applied;
}

async function applyOne(client: pg.Client, m: { name: string; sql: string; checksum: string }) {
  const id = randomUUID();
  await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)`, [
    id,
    m.checksum,
    m.name,
  ]);
  try {
    await client.query("BEGIN");
    await client.query(m.sql);
    await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [
      id,
    ]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    const detail = error instanceof Error ? error.message : String(error);
    await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, detail]);
    throw new MigrationError(m.name, detail);
  }
}
