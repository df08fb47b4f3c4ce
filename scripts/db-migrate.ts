// `npm run db:migrate`: apply pending migrations to DATABASE_URL (or the embedded database in DATA_DIR), for
// deployments that set MIGRATE_ON_START=0 and migrate as a separate step.

import { migrate } from "@/lib/platform/db/migrate";
import { loadOrCreateDevSecrets } from "@/lib/platform/dev-secrets";
import { env } from "@/lib/platform/env";
import { resolveDatabase } from "@/lib/server/boot";

try {
  const base = env();
  const secrets = base.isProduction ? undefined : await loadOrCreateDevSecrets(base.DATA_DIR);
  const database = await resolveDatabase(base, secrets);
  try {
    const applied = await migrate(database.url);
    console.info(applied.length > 0 ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
  } finally {
    await database.stop();
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
