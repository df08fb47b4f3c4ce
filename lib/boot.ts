// Start-up, run once per server process from instrumentation: resolve the database (given or embedded), fill in
// development secrets, migrate, and start the Anaplan simulator when no real Anaplan is configured.
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { type DevSecrets, loadOrCreateDevSecrets } from "@/lib/dev-secrets";
import { type Env, env, publishEnv } from "@/lib/env";
import { log, setLogLevel } from "@/lib/log";

/** The given DATABASE_URL, or the embedded server in <DATA_DIR>/pg (started here) when there is none. */
export async function resolveDatabase(base: Env, secrets: DevSecrets | undefined) {
  if (base.DATABASE_URL) return { url: base.DATABASE_URL, embedded: false, stop: async () => {} };
  if (!secrets) throw new Error("unreachable: production always has DATABASE_URL");
  const pg = await startEmbeddedPostgres({
    dir: path.join(base.DATA_DIR, "pg"),
    password: secrets.postgresPassword,
    onLog: (line) => log.debug("postgres", { line: line.trim() }),
  });
  log.info("embedded PostgreSQL started", { dir: path.resolve(base.DATA_DIR, "pg") });
  return { url: pg.url, embedded: true, stop: pg.stop };
}

export async function boot() {
  const base = env();
  setLogLevel(base.LOG_LEVEL);
  const secrets = base.isProduction ? undefined : await loadOrCreateDevSecrets(base.DATA_DIR);
  const database = await resolveDatabase(base, secrets);
  stopOnExit(database.stop);
  publishEnv({
    DATABASE_URL: database.url,
    PORTAL_EMBEDDED_DATABASE: database.embedded ? "1" : undefined,
    NEXTAUTH_SECRET: base.NEXTAUTH_SECRET ?? secrets?.nextauthSecret,
    TOKEN_ENCRYPTION_KEYS: base.TOKEN_ENCRYPTION_KEYS ?? secrets?.tokenEncryptionKeys,
    NEXTAUTH_URL: base.NEXTAUTH_URL ?? `http://localhost:${base.PORT}`,
  });
  if (base.migrateOnStart) {
    const applied = await migrate(database.url);
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
