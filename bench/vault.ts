// `npm run bench:vault`: the vault's seal and open per second for a token-sized value, beside plain AES-256-GCM
// with one key (no envelope) in the same run; then `keys:rotate` over VAULT_ROWS grants (100,000 unless set) while
// 16 scripts keep calling the token broker of a production build, with the broker's errors during the rotation.
// Its baseline, in the same run under the same load: the first VAULT_BASELINE_VALUES values re-wrapped the way
// rotation used to, one compare-and-set statement per value.
import { createCipheriv, randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { publishEnv } from "@/lib/platform/env";
import { startRig } from "./rig";

const OPS = Number(process.env.VAULT_OPS ?? 20_000);
const ROWS = Number(process.env.VAULT_ROWS ?? 100_000);
const BASELINE_VALUES = Number(process.env.VAULT_BASELINE_VALUES ?? 10_000);
const v1 = `v1:${randomBytes(32).toString("base64")}`;
const v2 = `v2:${randomBytes(32).toString("base64")}`;

// The instances know both keys, new first, as in step 2 of a rotation; rows are sealed under v1 before it starts.
const rig = await startRig([3194], { TOKEN_ENCRYPTION_KEYS: `${v2},${v1}` });
try {
  publishEnv({ TOKEN_ENCRYPTION_KEYS: v1 });
  const { vault, aadFor } = await import("@/lib/vault");
  const { db } = await import("@/lib/platform/db");
  const { sealTokens } = await import("@/lib/grants/seal");
  const { rotateKeys, keyVersionCounts } = await import("@/lib/vault/rotate");

  const token = randomBytes(900).toString("base64url"); // the size of an Anaplan token, with room
  const perSecond = async (work: (i: number) => Promise<unknown> | unknown) => {
    const started = performance.now();
    for (let i = 0; i < OPS; i++) await work(i);
    return OPS / ((performance.now() - started) / 1000);
  };
  const key = randomBytes(32);
  const plain = await perSecond(() => {
    const cipher = createCipheriv("aes-256-gcm", key, randomBytes(12));
    return Buffer.concat([cipher.update(token), cipher.final(), cipher.getAuthTag()]);
  });
  const aad = aadFor("grants", randomUUID(), "refresh_token");
  const seal = await perSecond(() => vault().seal(token, aad));
  const sealedHere = await vault().seal(token, aad);
  const open = await perSecond(() => vault().open(sealedHere, aad));

  const { key: apiKey } = await rig.seedKey();
  const seeded = performance.now();
  for (let start = 0; start < ROWS; start += 1000) {
    // Time-ordered ids, as the portal's own rows have (uuid(7)): the table's order is its insertion order.
    const ids = await db().$queryRaw<{ id: string }[]>`
      SELECT uuidv7()::text AS id FROM generate_series(1, ${Math.min(1000, ROWS - start)})`;
    const grants = await Promise.all(
      ids.map(async ({ id }) => {
        const tokens = {
          accessToken: token,
          accessTokenExpiresAt: new Date(),
          refreshToken: token,
          tokenType: "Bearer" as const,
        };
        return {
          id,
          kind: "identity" as const,
          clientId: "c".repeat(32),
          oauthUrl: "https://us1a.app.anaplan.com",
          ...(await sealTokens(id, tokens)),
        };
      }),
    );
    await db().grant.createMany({ data: grants });
  }
  console.info(`sealed and stored ${ROWS} grants in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  publishEnv({ TOKEN_ENCRYPTION_KEYS: `${v2},${v1}` });
  let running = true;
  let calls = 0;
  let errors = 0;
  const load = Promise.all(
    Array.from({ length: 16 }, async () => {
      while (running) {
        const response = await fetch(`${rig.bases[0]}/api/v1/token`, {
          method: "POST",
          headers: { Authorization: `Bearer ${apiKey}` },
        });
        await response.arrayBuffer();
        calls++;
        if (!response.ok) errors++;
      }
    }),
  );
  /** The old way: one UPDATE … WHERE value = old per value, for the first `count` refresh tokens still under v1. */
  async function rewrapOneByOne(count: number) {
    const rows = await db().$queryRaw<{ id: string; value: Uint8Array }[]>`
      SELECT id::text AS id, refresh_token AS value FROM grants
      WHERE refresh_token IS NOT NULL AND get_byte(refresh_token, 1) * 256 + get_byte(refresh_token, 2) = 1
      ORDER BY id LIMIT ${count}`;
    let written = 0;
    for (const row of rows) {
      const next = await vault().rewrap(row.value, aadFor("grants", row.id, "refresh_token"));
      written += await db().$executeRaw`
        UPDATE grants SET refresh_token = ${new Uint8Array(next)} WHERE id = ${row.id}::uuid AND refresh_token = ${row.value}`;
    }
    return written;
  }
  const baselineStarted = performance.now();
  const oneByOne = await rewrapOneByOne(BASELINE_VALUES);
  const baselineSeconds = (performance.now() - baselineStarted) / 1000;
  const started = performance.now();
  const report = await rotateKeys();
  const seconds = (performance.now() - started) / 1000;
  running = false;
  await load;

  console.info(`\nvault, ${OPS} operations each, one process (token of ${token.length} bytes)`);
  console.info(`plain AES-256-GCM (one key, no envelope): ${plain.toFixed(0)}/s`);
  console.info(
    `seal: ${seal.toFixed(0)}/s (${(seal / plain).toFixed(2)}× plain)   open: ${open.toFixed(0)}/s (${(open / plain).toFixed(2)}× plain)`,
  );
  const batched = report.rewrapped / seconds;
  const baseline = oneByOne / baselineSeconds;
  console.info(
    `baseline, one statement per value: ${oneByOne} values in ${baselineSeconds.toFixed(1)} s, ${baseline.toFixed(0)} values/s`,
  );
  console.info(
    `keys:rotate v1 → v2, one statement per batch of 2,000 key prefixes: ${report.rewrapped} sealed values (the rest of ${ROWS} grants × 2, and the broker's own grant) in ${seconds.toFixed(1)} s, ${batched.toFixed(0)} values/s (${(batched / baseline).toFixed(1)}× the baseline)`,
  );
  console.info(
    `broker during the rotation: ${calls} calls, ${errors} errors; values left under v1: ${(await keyVersionCounts())[1] ?? 0}`,
  );
} finally {
  await rig.stop();
  process.exit(0);
}
