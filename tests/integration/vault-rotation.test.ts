import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { before, test } from "node:test";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { aadFor, UnknownKeyVersionError, vault } from "@/lib/vault";
import { assertKeysCoverStoredRows, keyVersionCounts, rotateKeys } from "@/lib/vault/rotate";
import { setUpTestDatabase, testSecrets } from "../helpers/db.ts";

const v1 = testSecrets.TOKEN_ENCRYPTION_KEYS;
const v2 = `v2:${randomBytes(32).toString("base64")}`;
const ROWS = 300;
const ids: string[] = [];
const plain = (id: string, round = 0) => `refresh-${id}-${round}`;

await setUpTestDatabase();

before(async () => {
  for (let i = 0; i < ROWS; i++) {
    const id = randomUUID();
    ids.push(id);
    const sealed = await vault().seal(plain(id), aadFor("grants", id, "refresh_token"));
    await db().grant.create({
      data: {
        id,
        kind: "identity",
        clientId: "c".repeat(32),
        oauthUrl: "https://x",
        refreshToken: new Uint8Array(sealed),
      },
    });
  }
});

test("a keyring missing a stored version fails the start-up check clearly", async () => {
  publishEnv({ TOKEN_ENCRYPTION_KEYS: v2 });
  await assert.rejects(
    assertKeysCoverStoredRows(),
    (e: unknown) => e instanceof UnknownKeyVersionError && /v1/.test(String(e)),
  );
  publishEnv({ TOKEN_ENCRYPTION_KEYS: `${v2},${v1}` });
  await assertKeysCoverStoredRows();
});

test("rotation under concurrent reads and refreshes loses nothing and is resumable", async () => {
  publishEnv({ TOKEN_ENCRYPTION_KEYS: `${v2},${v1}` });
  // Interrupted after the first batch…
  await assert.rejects(
    rotateKeys({
      batchSize: 50,
      onProgress: () => {
        throw new Error("killed");
      },
    }),
    /killed/,
  );
  assert.equal((await keyVersionCounts())[2], 50);

  // …then resumed while readers open every token and a writer keeps replacing some, the way refreshes do.
  const written = new Map<string, string>();
  let rotating = true;
  const readers = Array.from({ length: 3 }, async () => {
    let reads = 0;
    while (rotating) {
      const id = ids[reads++ % ids.length] ?? "";
      const row = await db().grant.findUniqueOrThrow({ where: { id } });
      const value = await vault().open(row.refreshToken ?? new Uint8Array(), aadFor("grants", id, "refresh_token"));
      assert.match(value, /^refresh-/);
    }
    return reads;
  });
  const writer = (async () => {
    for (let round = 1; rotating; round++) {
      const id = ids[(round * 37) % ids.length] ?? "";
      const value = plain(id, round);
      const sealed = await vault().seal(value, aadFor("grants", id, "refresh_token"));
      await db().grant.update({ where: { id }, data: { refreshToken: new Uint8Array(sealed) } });
      written.set(id, value);
    }
  })();
  const report = await rotateKeys({ batchSize: 40 });
  rotating = false;
  const reads = await Promise.all(readers);
  await writer;

  assert.ok(reads.every((n) => n > 0));
  assert.ok(written.size > 0);
  assert.equal(report.remainingByVersion[1] ?? 0, 0);
  for (const id of ids) {
    const row = await db().grant.findUniqueOrThrow({ where: { id } });
    const value = await vault().open(row.refreshToken ?? new Uint8Array(), aadFor("grants", id, "refresh_token"));
    assert.equal(value, written.get(id) ?? plain(id), "every row holds its latest value");
    assert.equal(vault().keyVersionOf(row.refreshToken ?? new Uint8Array()), 2);
  }
  assert.equal((await rotateKeys()).rewrapped, 0, "a second run has nothing to do");
  publishEnv({ TOKEN_ENCRYPTION_KEYS: v2 });
  await assertKeysCoverStoredRows();
});
