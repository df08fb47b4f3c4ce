// Start-up, run once per server process from instrumentation: resolve the database (given or embedded), fill in
// development secrets, migrate, and start the Anaplan simulator when no real Anaplan is configured.
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { loadOrCreateDevSecrets } from "@/lib/dev-secrets";
import { env, publishEnv } from "@/lib/env";
import { log, setLogLevel } from "@/lib/log";

export async function boot() {
  const base = env();
  setLogLevel(base.LOG_LEVEL);
  const secrets = base.isProduction ? undefined : await loadOrCreateDevSecrets(base.DATA_DIR);
  let databaseUrl = base.DATABASE_URL;
  let embedded = false;
  if (!databaseUrl) {
    if (!secrets) throw new Error("unreachable: production always has DATABASE_URL");
    const pg = await startEmbeddedPostgres({
      dir: path.join(base.DATA_DIR, "pg"),
      password: secrets.postgresPassword,
      onLog: (line) => log.debug("postgres", { line: line.trim() }),
    });
    stopOnExit(pg.stop);
    databaseUrl = pg.url;
    embedded = true;
    log.info("embedded PostgreSQL started", { dir: path.resolve(base.DATA_DIR, "pg") });
  }
  publishEnv({
    DATABASE_URL: databaseUrl,
    PORTAL_EMBEDDED_DATABASE: embedded ? "1" : undefined,
    NEXTAUTH_SECRET: base.NEXTAUTH_SECRET ?? secrets?.nextauthSecret,
    TOKEN_ENCRYPTION_KEYS: base.TOKEN_ENCRYPTION_KEYS ?? secrets?.tokenEncryptionKeys,
    NEXTAUTH_URL: base.NEXTAUTH_URL ?? `http://localhost:${base.PORT}`,
  });
  if (base.migrateOnStart) {
    const applied = await migrate(databaseUrl);
    if (applied.length > 0) log.info("migrations applied", { applied });
  }
}

function stopOnExit(stop: () => Promise<void>) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stop().finally(() => process.exit(0));
    });
  }
}
