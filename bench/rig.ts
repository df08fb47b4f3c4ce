// What the HTTP benchmarks share: a production build served by `next start` on each of `ports`, all on one
// throwaway embedded PostgreSQL and one simulator configured as real Anaplan would be, sharing their secrets; and
// an enrolled identity with an API key, made with the portal's own domain functions.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startThrowawayPostgres } from "@/lib/platform/db/embedded";
import { publishEnv } from "@/lib/platform/env";
import { simulatorAsAnaplan, startSimulator } from "@/simulator";

export async function startRig(ports: number[], extraEnv: Record<string, string> = {}) {
  if (!existsSync(".next/BUILD_ID")) {
    process.stderr.write("No production build: run `npm run build` first.\n");
    process.exit(1);
  }
  const pg = await startThrowawayPostgres({ prefix: "portal-bench-" });
  const { dir } = pg;
  const sim = await startSimulator({
    port: 0,
    redirectUris: ports.map((p) => `http://localhost:${p}/api/auth/callback/anaplan`),
  });
  const shared = {
    ...simulatorAsAnaplan(sim),
    NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
    TOKEN_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
    DATABASE_URL: pg.url,
  };
  const servers: ChildProcess[] = ports.map((port) =>
    spawn("node_modules/.bin/next", ["start", "-p", String(port)], {
      detached: true,
      stdio: "ignore",
      env: {
        ...process.env,
        ...shared,
        PORTAL_TEST_RIG: "1",
        DATA_DIR: path.join(dir, `data-${port}`),
        NEXTAUTH_URL: `http://localhost:${port}`,
        BROKER_RATE_LIMIT_PER_MINUTE: "1000000",
        LOG_LEVEL: "error",
        ...extraEnv,
      },
    }),
  );
  const bases = ports.map((p) => `http://localhost:${p}`);
  for (const base of bases) await waitUntilHealthy(base);
  publishEnv(shared);

  /** An enrolled identity with an API key. */
  async function seedKey() {
    const { db } = await import("@/lib/platform/db");
    const { createGrant } = await import("@/lib/grants/store");
    const { createApiKey, keyFields } = await import("@/lib/broker/keys");
    const { createIdentity } = await import("@/lib/identities/manage");
    const { identityFields } = await import("@/lib/identities/schemas");
    const { pollDeviceToken, requestDeviceCode } = await import("@/lib/anaplan");
    const { simulatorOperator } = await import("@/simulator/operator-client");
    const user = await db().user.create({ data: { anaplanUserId: "b".repeat(32), email: "b@x.example", name: "B" } });
    const team = await db().team.create({ data: { slug: "bench", name: "Bench", nameSkeleton: "bench" } });
    await db().membership.create({ data: { teamId: team.id, userId: user.id, role: "admin" } });
    const actor = { userId: user.id, isPortalAdmin: false };
    const identity = await createIdentity(actor, "bench", identityFields.parse({ name: "bench-etl" }));
    const endpoints = { oauthUrl: sim.urls.oauth, apiUrl: sim.urls.api, authUrl: sim.urls.auth };
    const code = await requestDeviceCode(endpoints, { clientId: identity.deviceClientId });
    await simulatorOperator(sim.url).approve(code.userCode, "service");
    const tokens = await pollDeviceToken(endpoints, { clientId: identity.deviceClientId, deviceCode: code.deviceCode });
    const grantId = await createGrant({
      kind: "identity",
      clientId: identity.deviceClientId,
      oauthUrl: sim.url,
      tokens,
    });
    await db().serviceIdentity.update({ where: { id: identity.id }, data: { grantId } });
    const { key } = await createApiKey(actor, "bench", identity.id, keyFields.parse({ name: "bench" }));
    return { key, grantId, clientId: identity.deviceClientId, endpoints, identityId: identity.id };
  }

  return {
    sim,
    pg,
    bases,
    pids: servers.map((s) => s.pid ?? 0), // in the order of `ports`, for their memory
    seedKey,
    async stop() {
      for (const server of servers) if (server.pid) process.kill(-server.pid, "SIGTERM");
      await sleep(1000);
      await sim.close();
      await pg.stop();
    },
  };
}

async function waitUntilHealthy(base: string) {
  for (let i = 0; i < 300; i++) {
    if ((await fetch(`${base}/api/health`).catch(() => null))?.ok) return;
    await sleep(200);
  }
  throw new Error(`the portal at ${base} did not start`);
}

export type Figures = { rps: number; p50: number; p99: number; errors: number };

/** Percentiles of a list of latencies in ms. */
export function percentile(sorted: number[], q: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
