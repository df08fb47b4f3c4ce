// `npm run bench`: how the team dashboard query behaves with 10,000 identities in one team (and 10,000 in
// another), against a real embedded PostgreSQL. Prints medians and each figure as a ratio to a baseline measured
// in the same run (fetching one identity by primary key), so the numbers compare across machines.
import { randomBytes, randomUUID } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { publishEnv } from "@/lib/env";

const PER_TEAM = 10_000;
const RUNS = 30;

const dir = await mkdtemp(path.join(os.tmpdir(), "portal-bench-"));
await chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({
  dir: path.join(dir, "pg"),
  password: randomBytes(12).toString("hex"),
  durable: false,
});
try {
  await migrate(pg.url);
  publishEnv({
    DATABASE_URL: pg.url,
    ANAPLAN_SIMULATOR: "1",
    TOKEN_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
  });
  const { db, disconnectDb } = await import("@/lib/db");
  const { listIdentities } = await import("@/lib/identities/manage");

  const admin = await db().user.create({ data: { anaplanUserId: "a".repeat(32), email: "a@x.example", name: "A" } });
  for (const slug of ["big", "other"]) {
    const team = await db().team.create({ data: { slug, name: slug, nameSkeleton: slug } });
    await db().membership.create({ data: { teamId: team.id, userId: admin.id, role: "admin" } });
    const statuses = ["active", "active", "active", "needs_attention", "revoked"] as const;
    for (let start = 0; start < PER_TEAM; start += 1000) {
      const grants = Array.from({ length: 1000 }, (_, i) => ({
        id: randomUUID(),
        kind: "identity" as const,
        clientId: "c".repeat(32),
        oauthUrl: "https://us1a.app.anaplan.com",
        status: statuses[(start + i) % statuses.length],
        lastRefreshAt: new Date(),
      }));
      await db().grant.createMany({ data: grants });
      await db().serviceIdentity.createMany({
        data: grants.map((g, i) => ({
          teamId: team.id,
          name: `identity-${String(start + i).padStart(5, "0")}`,
          nameSkeleton: `identity-${String(start + i).padStart(5, "0")}`,
          deviceClientId: "c".repeat(32),
          oauthUrl: "https://us1a.app.anaplan.com",
          apiUrl: "https://api.anaplan.com",
          authUrl: "https://auth.anaplan.com",
          grantId: (start + i) % 7 === 0 ? null : g.id,
          deactivatedAt: (start + i) % 50 === 0 ? new Date() : null,
        })),
      });
    }
  }
  await db().$executeRaw`ANALYZE`;
  const actor = { userId: admin.id, isPortalAdmin: false };
  const one = await db().serviceIdentity.findFirstOrThrow({ where: { name: "identity-05000" } });

  async function median(work: () => Promise<unknown>) {
    for (let i = 0; i < 3; i++) await work();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await work();
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0;
  }

  const baseline = await median(() => db().serviceIdentity.findUnique({ where: { id: one.id } }));
  const cases: [string, () => Promise<unknown>][] = [
    ["first page, all states", () => listIdentities(actor, "big", { page: 1 })],
    ["last page, all states", () => listIdentities(actor, "big", { page: PER_TEAM / 25 })],
    ["filter: needs attention", () => listIdentities(actor, "big", { state: "needs_attention", page: 1 })],
    ["filter: active, page 100", () => listIdentities(actor, "big", { state: "active", page: 100 })],
    ["search: name contains '0421'", () => listIdentities(actor, "big", { q: "0421", page: 1 })],
  ];
  console.info(`dashboard with ${PER_TEAM} identities per team, 2 teams, median of ${RUNS} runs`);
  console.info(`baseline (one identity by id): ${baseline.toFixed(2)} ms`);
  for (const [name, work] of cases) {
    const ms = await median(work);
    console.info(
      `${name.padEnd(32)} ${ms.toFixed(2).padStart(8)} ms  ${(ms / baseline).toFixed(1).padStart(6)}× baseline`,
    );
  }
  await disconnectDb();
} finally {
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
}
