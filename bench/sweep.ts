// `npm run bench:sweep`: the health sweep over 10,000 and 100,000 active identities against the simulator (in a
// process of its own, as Anaplan would be), on a real embedded PostgreSQL. For each size it prints how long a full
// sweep takes when every grant is due for a refresh, and when every grant only needs its check (validate the cached
// access token), with the calls/s sustained at KEEP_ALIVE_CONCURRENCY. Beside them: the floor, the same calls made
// straight at the simulator with the portal's own HTTP client at the same concurrency, no database, no vault.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { startThrowawayPostgres } from "@/lib/platform/db/embedded";
import { migrate } from "@/lib/platform/db/migrate";
import { publishEnv } from "@/lib/platform/env";
import { simulatorOperator } from "@/simulator/operator-client";
import { type EngineFigures, leaseLoop, pgBoss } from "./engines";

const SIZES = (process.env.BENCH_SIZES ?? "10000,100000").split(",").map(Number);
const CONCURRENCY = Number(process.env.KEEP_ALIVE_CONCURRENCY ?? 8);
const FLOOR_CALLS = Number(process.env.BENCH_FLOOR_CALLS ?? 3000);
const MINT_BATCH = 5000;
const SIM_PORT = 3196;

/** The simulator as a process of its own, so it does not share the sweep's event loop. */
async function startSimulatorProcess(): Promise<{ settings: Record<string, string>; process: ChildProcess }> {
  const child = spawn("node", ["--import", "tsx", "scripts/simulator.ts", "--port", String(SIM_PORT)], {
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
    });
    child.once("exit", (code) => reject(new Error(`the simulator exited (${code})`)));
  });
  return { settings: JSON.parse(line) as Record<string, string>, process: child };
}

const pg = await startThrowawayPostgres({ prefix: "portal-bench-" });
const sim = await startSimulatorProcess();
try {
  await migrate(pg.url);
  const anaplan = sim.settings;
  publishEnv({
    ...anaplan,
    DATABASE_URL: pg.url,
    ANAPLAN_SIMULATOR: "0",
    ANAPLAN_ALLOW_HTTP_CALLBACK: "1",
    TOKEN_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
    NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
    KEEP_ALIVE_CONCURRENCY: String(CONCURRENCY),
    ANAPLAN_CALLS_PER_MINUTE: "100000",
    LOG_LEVEL: "error",
  });
  const { db, disconnectDb } = await import("@/lib/platform/db");
  const { sealTokens } = await import("@/lib/grants/seal");
  const { claimDueGrants, refreshDueIdentityGrants } = await import("@/lib/identities/keep-alive");
  const { refreshAccessToken, validateAccessToken } = await import("@/lib/anaplan");
  const operator = simulatorOperator(anaplan.ANAPLAN_OAUTH_URL ?? "");
  const deviceClientId = anaplan.ANAPLAN_DEVICE_CLIENT_ID ?? "";
  const hosts = {
    oauthUrl: anaplan.ANAPLAN_OAUTH_URL ?? "",
    apiUrl: anaplan.ANAPLAN_API_URL ?? "",
    authUrl: anaplan.ANAPLAN_AUTH_URL ?? "",
  };

  const admin = await db().user.create({ data: { anaplanUserId: "a".repeat(32), email: "a@x.example", name: "A" } });

  /** `size` enrolled identities whose grants hold real refresh tokens of the simulator, last refreshed a day ago. */
  async function seed(size: number) {
    const slug = `sweep-${size}`;
    const team = await db().team.create({ data: { slug, name: slug, nameSkeleton: slug } });
    await db().membership.create({ data: { teamId: team.id, userId: admin.id, role: "admin" } });
    const dayAgo = new Date(Date.now() - 24 * 3600_000);
    for (let start = 0; start < size; start += MINT_BATCH) {
      const { refreshTokens } = await operator.mint(deviceClientId, "service", Math.min(MINT_BATCH, size - start));
      const grants = await Promise.all(
        refreshTokens.map(async (refreshToken) => {
          const id = randomUUID();
          const tokens = {
            accessToken: "never-issued",
            accessTokenExpiresAt: dayAgo,
            refreshToken,
            tokenType: "Bearer" as const,
          };
          return {
            id,
            kind: "identity" as const,
            clientId: deviceClientId,
            oauthUrl: hosts.oauthUrl,
            lastRefreshAt: dayAgo,
            ...(await sealTokens(id, tokens)),
          };
        }),
      );
      await db().grant.createMany({ data: grants });
      await db().serviceIdentity.createMany({
        data: grants.map((g, k) => ({
          teamId: team.id,
          name: `etl-${start + k}`,
          nameSkeleton: `etl-${start + k}`,
          deviceClientId,
          ...hosts,
          refreshTokenTtlSeconds: 43_000,
          grantId: g.id,
        })),
      });
    }
    await db().$executeRawUnsafe("VACUUM ANALYZE");
    return team.id;
  }

  /** Runs sweep rounds until one finds nothing to claim; the figures of that full sweep. */
  async function sweep(teamId: string, size: number, calls: () => Promise<number>) {
    const before = await calls();
    const started = performance.now();
    let handled = 0;
    for (let n = await refreshDueIdentityGrants(500); n > 0; n = await refreshDueIdentityGrants(500)) handled += n;
    const seconds = (performance.now() - started) / 1000;
    const made = (await calls()) - before;
    const failed = await db().grant.count({ where: { status: { not: "active" }, identity: { teamId } } });
    if (handled !== size || made !== size || failed > 0) {
      throw new Error(`sweep of ${size}: handled ${handled}, ${made} Anaplan calls, ${failed} grants not active`);
    }
    return { seconds, perSecond: size / seconds };
  }

  const refreshCalls = async () => (await operator.counters()).token[deviceClientId]?.refresh_token ?? 0;
  const validateCalls = async () => (await operator.counters()).validate;

  /** The floor: FLOOR_CALLS calls straight at the simulator, CONCURRENCY at a time. */
  async function floor(call: (i: number) => Promise<unknown>) {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < FLOOR_CALLS; i = next++) await call(i);
      }),
    );
    return FLOOR_CALLS / ((performance.now() - started) / 1000);
  }
  const { refreshTokens: floorTokens } = await operator.mint(deviceClientId, "service", FLOOR_CALLS);
  const accessTokens: string[] = [];
  const refreshFloor = await floor(async (i) => {
    const tokens = await refreshAccessToken(hosts, { clientId: deviceClientId, refreshToken: floorTokens[i] ?? "" });
    accessTokens[i] = tokens.accessToken;
  });
  const validateFloor = await floor((i) => validateAccessToken(hosts, accessTokens[i] ?? ""));

  const rows: string[][] = [];
  const engines: [string, EngineFigures][] = [];
  for (const size of SIZES) {
    const seeded = performance.now();
    const teamId = await seed(size);
    console.info(`seeded ${size} identities in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    const ids = (await db().serviceIdentity.findMany({ where: { teamId }, select: { id: true } })).map((i) => i.id);
    engines.push([`${size / 1000}k, lease loop (grants table)`, await leaseLoop(pg.url, size, claimDueGrants)]);
    await db().$executeRaw`
      UPDATE grants SET sweep_after = NULL
      WHERE id IN (SELECT grant_id FROM service_identities WHERE team_id = ${teamId}::uuid)`;
    engines.push([`${size / 1000}k, pg-boss 10 (job per identity)`, await pgBoss(pg.url, ids)]);
    const refresh = await sweep(teamId, size, refreshCalls);
    // The same fleet an hour later: nothing due for a refresh, every grant due for its check.
    await db().$executeRaw`
      UPDATE grants SET sweep_after = NULL
      WHERE id IN (SELECT grant_id FROM service_identities WHERE team_id = ${teamId}::uuid)`;
    const check = await sweep(teamId, size, validateCalls);
    const k = `${size / 1000}k`;
    rows.push([
      `${k}, every grant refreshed`,
      refresh.seconds.toFixed(1),
      refresh.perSecond.toFixed(0),
      (refresh.perSecond / refreshFloor).toFixed(2),
    ]);
    rows.push([
      `${k}, every grant checked`,
      check.seconds.toFixed(1),
      check.perSecond.toFixed(0),
      (check.perSecond / validateFloor).toFixed(2),
    ]);
  }

  console.info(`\nhealth sweep at KEEP_ALIVE_CONCURRENCY=${CONCURRENCY}, one process, simulator in another`);
  console.info(
    `floor (simulator alone, ${FLOOR_CALLS} calls): refresh ${refreshFloor.toFixed(0)}/s, validate ${validateFloor.toFixed(0)}/s`,
  );
  console.info(`${"sweep".padEnd(30)}${"seconds".padStart(10)}${"calls/s".padStart(10)}${"of floor".padStart(10)}`);
  for (const [label, seconds, perSecond, ratio] of rows) {
    console.info(`${label?.padEnd(30)}${seconds?.padStart(10)}${perSecond?.padStart(10)}${`${ratio}×`.padStart(10)}`);
  }
  console.info("\nqueue engine alone (no-op work, 8 claimers × 200): the sweep's own vs pg-boss, same database");
  console.info(`${"engine".padEnd(40)}${"seconds".padStart(10)}${"items/s".padStart(10)}${"WAL B/item".padStart(12)}`);
  for (const [label, f] of engines) {
    console.info(
      `${label.padEnd(40)}${f.seconds.toFixed(2).padStart(10)}${f.perSecond.toFixed(0).padStart(10)}${f.walBytesPerItem.toFixed(0).padStart(12)}`,
    );
  }
  await disconnectDb();
} finally {
  if (sim.process.pid) process.kill(-sim.process.pid, "SIGTERM");
  await pg.stop();
}
