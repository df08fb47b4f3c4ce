// `npm run bench:broker`: the token broker's cached path under load, beside a bare route handler of the same
// production build (GET /api/health/live, no database) measured in the same run. Prints requests/s and p50/p99 at
// 1, 16 and 64 concurrent clients and the broker/bare ratios, so figures compare across machines.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { publishEnv } from "@/lib/env";
import { simulatorSettings, startSimulator } from "@/lib/simulator";

const PORT = 3190;
const SECONDS_PER_CASE = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = [1, 16, 64];

if (!existsSync(".next/BUILD_ID")) {
  process.stderr.write("No production build: run `npm run build` first.\n");
  process.exit(1);
}

const dir = await mkdtemp(path.join(os.tmpdir(), "portal-bench-broker-"));
await chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({
  dir: path.join(dir, "pg"),
  password: randomBytes(12).toString("hex"),
  durable: false,
});
const sim = await startSimulator({ port: 0, redirectUris: [`http://localhost:${PORT}/api/auth/callback/anaplan`] });
const { ANAPLAN_SIMULATOR: _bundled, ...anaplan } = simulatorSettings(sim);
const secrets = {
  NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
  TOKEN_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
};
const server = spawn("node_modules/.bin/next", ["start", "-p", String(PORT)], {
  detached: true,
  stdio: "ignore",
  env: {
    ...process.env,
    ...anaplan,
    ...secrets,
    ANAPLAN_SIMULATOR: "0",
    ANAPLAN_ALLOW_HTTP_CALLBACK: "1",
    PORTAL_TEST_RIG: "1",
    DATABASE_URL: pg.url,
    DATA_DIR: path.join(dir, "data"),
    NEXTAUTH_URL: `http://localhost:${PORT}`,
    BROKER_RATE_LIMIT_PER_MINUTE: "1000000",
    LOG_LEVEL: "error",
  },
});
const base = `http://localhost:${PORT}`;

async function waitUntilHealthy() {
  for (let i = 0; i < 300; i++) {
    if ((await fetch(`${base}/api/health`).catch(() => null))?.ok) return;
    await sleep(200);
  }
  throw new Error("the portal did not start");
}

/** An enrolled identity with an API key, made with the portal's own domain functions on its database. */
async function seedKey(): Promise<string> {
  publishEnv({
    DATABASE_URL: pg.url,
    ...anaplan,
    ...secrets,
    ANAPLAN_SIMULATOR: "0",
    ANAPLAN_ALLOW_HTTP_CALLBACK: "1",
  });
  const { db } = await import("@/lib/db");
  const { createGrant } = await import("@/lib/grants/store");
  const { createApiKey, keyFields } = await import("@/lib/broker/keys");
  const { createIdentity } = await import("@/lib/identities/manage");
  const { identityFields } = await import("@/lib/identities/schemas");
  const { pollDeviceToken, requestDeviceCode } = await import("@/lib/anaplan");
  const { simulatorOperator } = await import("@/lib/simulator/operator-client");
  const user = await db().user.create({ data: { anaplanUserId: "b".repeat(32), email: "b@x.example", name: "B" } });
  const team = await db().team.create({ data: { slug: "bench", name: "Bench", nameSkeleton: "bench" } });
  await db().membership.create({ data: { teamId: team.id, userId: user.id, role: "admin" } });
  const actor = { userId: user.id, isPortalAdmin: false };
  const identity = await createIdentity(actor, "bench", identityFields.parse({ name: "bench-etl" }));
  const endpoints = { oauthUrl: sim.urls.oauth, apiUrl: sim.urls.api, authUrl: sim.urls.auth };
  const code = await requestDeviceCode(endpoints, { clientId: identity.deviceClientId });
  await simulatorOperator(sim.url).approve(code.userCode, "service");
  const tokens = await pollDeviceToken(endpoints, { clientId: identity.deviceClientId, deviceCode: code.deviceCode });
  const grantId = await createGrant({ kind: "identity", clientId: identity.deviceClientId, oauthUrl: sim.url, tokens });
  await db().serviceIdentity.update({ where: { id: identity.id }, data: { grantId } });
  return (await createApiKey(actor, "bench", identity.id, keyFields.parse({ name: "bench" }))).key;
}

type Figures = { rps: number; p50: number; p99: number; errors: number };

async function load(request: () => Promise<Response>, concurrency: number): Promise<Figures> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + SECONDS_PER_CASE * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      const response = await request();
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      if (!response.ok) errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

try {
  await waitUntilHealthy();
  const key = await seedKey();
  const broker = () => fetch(`${base}/api/v1/token`, { method: "POST", headers: { Authorization: `Bearer ${key}` } });
  const bare = () => fetch(`${base}/api/health/live`);
  await load(broker, 4); // warm-up: JIT, connection pools, the first token.issue audit row
  await load(bare, 4);
  const rows = [];
  for (const concurrency of CONCURRENCY) {
    const b = await load(bare, concurrency);
    const t = await load(broker, concurrency);
    rows.push({
      clients: concurrency,
      "bare req/s": Math.round(b.rps),
      "broker req/s": Math.round(t.rps),
      "throughput ratio": Number((t.rps / b.rps).toFixed(2)),
      "bare p50 ms": Number(b.p50.toFixed(2)),
      "broker p50 ms": Number(t.p50.toFixed(2)),
      "bare p99 ms": Number(b.p99.toFixed(2)),
      "broker p99 ms": Number(t.p99.toFixed(2)),
      "p99 ratio": Number((t.p99 / b.p99).toFixed(2)),
      errors: b.errors + t.errors,
    });
  }
  console.info(
    `Token broker, cached path, ${SECONDS_PER_CASE} s per case, ${os.cpus().length} cores (targets: throughput ratio ≥ 0.7, p99 ratio ≤ 2)`,
  );
  const columns = Object.keys(rows[0] ?? {});
  console.info(columns.join(" | "));
  for (const row of rows) console.info(Object.values(row).join(" | "));
} finally {
  if (server.pid) process.kill(-server.pid, "SIGTERM");
  await sleep(1000);
  await sim.close();
  await pg.stop();
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
  process.exit(0);
}
