// schema.prisma (what the Prisma client believes) must describe exactly what the SQL migrations build.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import pg from "pg";
import { migrate } from "@/lib/platform/db/migrate";
import { createEmptyDatabase } from "../helpers/db.ts";
import { type Datamodel, shapeFromDatabase, shapeFromDmmf } from "../helpers/schema-shape.ts";

const root = process.cwd();
const loadDatamodel = async (file: string): Promise<Datamodel> => JSON.parse(await readFile(file, "utf8"));

/** Runs only the DMMF generator over a copy of schema.prisma, edited by `change`, and returns its datamodel. */
async function datamodelOf(change: (schema: string) => string): Promise<Datamodel> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "drift-"));
  after(() => rm(dir, { recursive: true, force: true }));
  const original = await readFile(path.join(root, "prisma/schema.prisma"), "utf8");
  const edited = change(original)
    .replace(/output\s*=\s*"\.\.\/lib\/generated\/dmmf"/, `output = "${path.join(dir, "out")}"`)
    .replace('provider = "node scripts/', `provider = "node ${root}/scripts/`);
  assert.notEqual(edited, original, "the temp copy must differ from the real schema");
  await writeFile(path.join(dir, "schema.prisma"), edited);
  const result = spawnSync(
    path.join(root, "node_modules/.bin/prisma"),
    ["generate", "--schema", path.join(dir, "schema.prisma"), "--generator", "dmmf"],
    {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, "scripts/prisma-generate.mjs") },
    },
  );
  assert.equal(result.status, 0, result.stderr);
  return loadDatamodel(path.join(dir, "out", "dmmf.json"));
}

const migrated = async () => {
  const url = await createEmptyDatabase();
  await migrate(url);
  return url;
};

test("schema.prisma and the migrated database agree: tables, columns, types, nullability, indexes, keys, enums", async () => {
  const url = await migrated();
  const expected = shapeFromDmmf(await loadDatamodel(path.join(root, "lib/generated/dmmf/dmmf.json")));
  assert.deepEqual(await shapeFromDatabase(url), expected);
  // The comparison covers something: every model, its foreign keys and enums made it into the shape.
  assert.equal(Object.keys(expected.tables).length, 23);
  assert.deepEqual(expected.tables.memberships?.foreignKeys, [
    "(team_id) -> teams(id) on delete cascade",
    "(user_id) -> users(id) on delete cascade",
  ]);
  assert.deepEqual(expected.enums.team_role, ["admin", "member"]);
  assert.equal(expected.tables.grants?.columns.refresh_token, "bytea");
});

test("a schema change without a migration is caught", async () => {
  const url = await migrated();
  const changed = await datamodelOf((s) =>
    s.replace('  description            String       @default("")', "  description            String?"),
  );
  const actual = await shapeFromDatabase(url);
  const expected = shapeFromDmmf(changed);
  assert.notDeepEqual(actual, expected);
  assert.equal(actual.tables.service_identities?.columns.description, "text not null");
  assert.equal(expected.tables.service_identities?.columns.description, "text");
});

test("a migration without a schema change is caught", async () => {
  const url = await migrated();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`ALTER TABLE "grants" ALTER COLUMN "client_id" DROP NOT NULL`);
  await client.query(`CREATE UNIQUE INDEX "teams_name_key" ON "teams"("name")`);
  await client.end();
  const expected = shapeFromDmmf(await loadDatamodel(path.join(root, "lib/generated/dmmf/dmmf.json")));
  const actual = await shapeFromDatabase(url);
  assert.notDeepEqual(actual, expected);
  assert.equal(actual.tables.grants?.columns.client_id, "text");
  assert.ok(actual.tables.teams?.indexes.includes("unique (name)"));
});
