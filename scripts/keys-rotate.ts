// `npm run keys:rotate`: re-wrap every stored data key under the first key of TOKEN_ENCRYPTION_KEYS while the
// portal keeps serving, then report which key versions are still in use. Uses the same database as the portal
// (DATABASE_URL, or the embedded one in DATA_DIR when the portal is not running).

import { loadOrCreateDevSecrets } from "@/lib/platform/dev-secrets";
import { env, publishEnv } from "@/lib/platform/env";
import { resolveDatabase } from "@/lib/server/boot";

try {
  const base = env();
  const secrets = base.isProduction ? undefined : await loadOrCreateDevSecrets(base.DATA_DIR);
  const database = await resolveDatabase(base, secrets);
  publishEnv({
    DATABASE_URL: database.url,
    TOKEN_ENCRYPTION_KEYS: base.TOKEN_ENCRYPTION_KEYS ?? secrets?.tokenEncryptionKeys,
  });
  const { rotateKeys } = await import("@/lib/vault/rotate");
  const { keyring } = await import("@/lib/vault");
  const { disconnectDb } = await import("@/lib/platform/db");
  try {
    console.info(`Re-wrapping data keys under v${keyring().activeVersion}…`);
    const report = await rotateKeys({
      onProgress: (p) => console.info(`  ${p.table}.${p.column}: ${p.rewrapped} re-wrapped so far`),
    });
    console.info(
      `Done: ${report.rewrapped} re-wrapped, ${report.skippedConcurrent} changed meanwhile (already current).`,
    );
    for (const version of keyring().versions) {
      const left = report.remainingByVersion[version] ?? 0;
      const note =
        version === keyring().activeVersion ? "active" : left === 0 ? "unused: can be removed" : "still in use";
      console.info(`  v${version}: ${left} values (${note})`);
    }
  } finally {
    await disconnectDb();
    await database.stop();
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
