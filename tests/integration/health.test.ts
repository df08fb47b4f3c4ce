import assert from "node:assert/strict";
import { test } from "node:test";
import { GET } from "@/app/api/health/route";
import { disconnectDb } from "@/lib/platform/db";
import { freePort } from "@/lib/platform/db/embedded";
import { publishEnv } from "@/lib/platform/env";
import { setUpTestDatabase } from "../helpers/db.ts";

test("health answers ok after a real query, and 503 with a reason when the database is unreachable", async () => {
  await setUpTestDatabase();
  const ok = await GET();
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), {
    status: "ok",
    db: "ok",
    keyRing: "ok",
    worker: "not yet run",
    lastSweepSecondsAgo: null,
  });
  assert.equal(ok.headers.get("cache-control"), "no-store");

  await disconnectDb();
  publishEnv({ DATABASE_URL: `postgresql://nobody:nothing@127.0.0.1:${await freePort()}/none` });
  const down = await GET();
  assert.equal(down.status, 503);
  assert.deepEqual(await down.json(), {
    status: "error",
    db: "unreachable",
    keyRing: "ok",
    reason: "the database did not answer",
  });
});
