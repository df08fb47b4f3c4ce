import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import pg from "pg";
import { defaultMigrationsDir, listMigrations, MigrationError, migrate } from "@/lib/platform/db/migrate";
import { nameSkeleton } from "@/lib/platform/names";
import { createEmptyDatabase } from "../helpers/db.ts";

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const recorded = (url: string) =>
  query<{ migration_name: string; checksum: string; finished_at: Date | null; logs: string | null }>(
    url,
    `SELECT migration_name, checksum, finished_at, logs FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );

describe("migration runner", () => {
  test("applies every migration once and records it as Prisma does; a second run changes nothing", async () => {
    const url = await createEmptyDatabase();
    const migrations = await listMigrations(defaultMigrationsDir());
    assert.deepEqual(
      await migrate(url),
      migrations.map((m) => m.name),
    );
    assert.deepEqual(await migrate(url), []);
    const rows = await recorded(url);
    assert.deepEqual(
      rows.map((r) => r.migration_name),
      migrations.map((m) => m.name),
    );
    for (const [i, m] of migrations.entries()) {
      const sql = await readFile(path.join(defaultMigrationsDir(), m.name, "migration.sql"));
      assert.equal(rows[i]?.checksum, createHash("sha256").update(sql).digest("hex"));
      assert.ok(rows[i]?.finished_at instanceof Date);
    }
  });

  test("concurrent runners against one empty database apply each migration exactly once", async () => {
    const url = await createEmptyDatabase();
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate(url)));
    const names = (await listMigrations(defaultMigrationsDir())).map((m) => m.name);
    assert.deepEqual(results.flat().sort(), names);
    assert.equal(results.filter((r) => r.length > 0).length, 1, "one runner did all the work, the others waited");
    assert.equal((await recorded(url)).length, names.length);
  });

  test("a broken migration stops with its file name and the Postgres error, is recorded as failed and leaves nothing half-applied", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
    after(() => rm(dir, { recursive: true, force: true }));
    await cp(defaultMigrationsDir(), dir, { recursive: true });
    const broken = "99990101000000_broken";
    await mkdir(path.join(dir, broken));
    await writeFile(path.join(dir, broken, "migration.sql"), "CREATE TABLE half_done (id int);\nSELECT 1 / 0;\n");
    const url = await createEmptyDatabase();
    await assert.rejects(migrate(url, dir), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.equal(error.migration, broken);
      assert.match(error.message, /99990101000000_broken/);
      assert.match(error.message, /division by zero/);
      return true;
    });
    const failed = (await recorded(url)).find((r) => r.migration_name === broken);
    assert.equal(failed?.finished_at, null);
    assert.match(failed?.logs ?? "", /division by zero/);
    const halfDone = await query(url, `SELECT to_regclass('half_done') AS t`);
    assert.equal(halfDone[0]?.t, null);
    // The migrations before it were applied and stay applied.
    assert.ok((await recorded(url)).filter((r) => r.finished_at !== null).length > 0);

    await assert.rejects(migrate(url, dir), /failed before and was left unresolved/);

    // Resolved as Prisma does (`migrate resolve --rolled-back`) and fixed: it applies.
    await query(url, `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1`, [broken]);
    await writeFile(path.join(dir, broken, "migration.sql"), "CREATE TABLE half_done (id int);\n");
    assert.deepEqual(await migrate(url, dir), [broken]);
    assert.equal((await query(url, `SELECT to_regclass('half_done') AS t`))[0]?.t, "half_done");
  });

  test("the look-alike skeleton migration gives stored names exactly the skeletons nameSkeleton gives now", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
    after(() => rm(dir, { recursive: true, force: true }));
    const step = "20261202040000_lookalike_skeletons";
    for (const name of (await listMigrations(defaultMigrationsDir())).map((m) => m.name)) {
      if (name < step) await cp(path.join(defaultMigrationsDir(), name), path.join(dir, name), { recursive: true });
    }
    const url = await createEmptyDatabase();
    await migrate(url, dir);
    // Skeletons as the earlier rule made them (case folded, nothing more): two teams and two identities that did
    // not collide then and do now, and names that stay apart.
    const names = ["nightly", "nightIy", "c0de", "modern", "billing"];
    for (const [i, name] of names.entries()) {
      await query(
        url,
        `INSERT INTO teams (id, slug, name, name_skeleton, created_at)
        VALUES (gen_random_uuid(), $1, $2, lower($2), now() + make_interval(secs => $3))`,
        [`t${i}`, name, i],
      );
    }
    const [team] = await query<{ id: string }>(url, "SELECT id FROM teams WHERE slug = 't0'");
    for (const [i, name] of ["export", "exp0rt", "Billing"].entries()) {
      await query(
        url,
        `INSERT INTO service_identities (id, team_id, name, name_skeleton, device_client_id, oauth_url,
          api_url, auth_url, created_at)
        VALUES (gen_random_uuid(), $1, $2, lower($2), 'c', 'o', 'a', 'u', now() + make_interval(secs => $3))`,
        [team?.id, name, i],
      );
    }
    await cp(path.join(defaultMigrationsDir(), step), path.join(dir, step), { recursive: true });
    assert.deepEqual(await migrate(url, dir), [step]);
    const teams = await query<{ name: string; name_skeleton: string; id: string }>(
      url,
      "SELECT name, name_skeleton, id FROM teams ORDER BY created_at",
    );
    assert.deepEqual(
      teams.map((t) => (t.name === "nightIy" ? t.name_skeleton.replace(t.id, "<id>") : t.name_skeleton)),
      [
        nameSkeleton("nightly"),
        `${nameSkeleton("nightIy")}#<id>`,
        nameSkeleton("c0de"),
        nameSkeleton("modern"),
        nameSkeleton("billing"),
      ],
      "the older of two look-alikes keeps the plain skeleton, the newer is kept apart by its id",
    );
    const identities = await query<{ name: string; name_skeleton: string }>(
      url,
      "SELECT name, name_skeleton FROM service_identities ORDER BY created_at",
    );
    assert.equal(identities[0]?.name_skeleton, nameSkeleton("export"));
    assert.match(identities[1]?.name_skeleton ?? "", new RegExp(`^${nameSkeleton("exp0rt")}#`));
    assert.equal(identities[2]?.name_skeleton, nameSkeleton("Billing"));
  });
});
