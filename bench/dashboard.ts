// `npm run bench`: the team dashboard at 1,000, 10,000 and 100,000 identities in one team, as the admin waits for
// it: the whole page (summary, list and all) through HTTP from a production `next start`, signed in, and beside it
// the list query alone. Needs a production build (`npm run build`). Each case is timed at each size (median of
// RUNS), then printed as ratios: to the same case at 1k (target ≤ 1.5× at 100k) and to a baseline measured in the
// same run — one identity read by primary key for the query, the team list page for the whole page (target ≤ 5×).
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { encode } from "next-auth/jwt";
import { env } from "@/lib/platform/env";
import { startRig } from "./rig";

const SIZES = (process.env.BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const HOUR = 3600_000;

const rig = await startRig([3300], { PORTAL_WORKER: "0" });
try {
  const { db, disconnectDb } = await import("@/lib/platform/db");
  const { listIdentities, encodeCursor } = await import("@/lib/identities/list");
  const { listQuery } = await import("@/lib/identities/schemas");
  const [base] = rig.bases;

  const { admin, cookie } = await signedInAdmin();
  const actor = { userId: admin.id, isPortalAdmin: false };
  const name = (i: number) => `identity-${String(i).padStart(6, "0")}`;

  /** A team of `size` identities: mostly active, a fifth needing attention, a few expired, paused or unenrolled. */
  async function seedTeam(slug: string, size: number) {
    const team = await db().team.create({ data: { slug, name: slug, nameSkeleton: slug } });
    await db().membership.create({ data: { teamId: team.id, userId: admin.id, role: "admin" } });
    for (let start = 0; start < size; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, size - start) }, (_, k) => start + k);
      const grants = batch.map((i) => ({
        id: randomUUID(),
        kind: "identity" as const,
        clientId: "c".repeat(32),
        oauthUrl: "https://us1a.app.anaplan.com",
        status: i % 5 === 3 ? ("needs_attention" as const) : ("active" as const),
        refreshTokenExpiresAt: i % 40 === 1 ? new Date(Date.now() - HOUR) : new Date(Date.now() + (i % 720) * HOUR),
        lastRefreshAt: new Date(),
      }));
      await db().grant.createMany({ data: grants });
      await db().serviceIdentity.createMany({
        data: batch.map((i, k) => ({
          teamId: team.id,
          name: name(i),
          nameSkeleton: name(i),
          deviceClientId: "c".repeat(32),
          oauthUrl: "https://us1a.app.anaplan.com",
          apiUrl: "https://api.anaplan.com",
          authUrl: "https://auth.anaplan.com",
          grantId: i % 10 === 7 ? null : grants[k]?.id,
          deactivatedAt: i % 50 === 0 ? new Date() : null,
          lastUsedAt: i % 3 === 0 ? null : new Date(Date.now() - (i % 1000) * 60_000),
        })),
      });
    }
  }

  /** A real sign-in through the simulator's device grant, and the session cookie a browser would hold for it. */
  async function signedInAdmin() {
    const { getCurrentUser, pollDeviceToken, requestDeviceCode } = await import("@/lib/anaplan");
    const { simulatorOperator } = await import("@/simulator/operator-client");
    const { startUserSession } = await import("@/lib/users/sign-in");
    const { endpoints } = {
      endpoints: { oauthUrl: rig.sim.urls.oauth, apiUrl: rig.sim.urls.api, authUrl: rig.sim.urls.auth },
    };
    const clientId = rig.sim.clients.device.id;
    const code = await requestDeviceCode(endpoints, { clientId });
    await simulatorOperator(rig.sim.url).approve(code.userCode, "admin");
    const tokens = await pollDeviceToken(endpoints, { clientId, deviceCode: code.deviceCode });
    const sid = await startUserSession(await getCurrentUser(endpoints, tokens.accessToken), tokens);
    const user = await db()
      .userSession.findUniqueOrThrow({ where: { id: sid } })
      .user();
    const jwt = await encode({ token: { sid }, secret: env().NEXTAUTH_SECRET ?? "" });
    return { admin: user, cookie: `next-auth.session-token=${jwt}` };
  }

  /** The whole page, as a browser gets it: HTML and streamed payload, read to the end. */
  async function page(path: string) {
    const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: "manual" });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    return body;
  }

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

  const cases = (size: number): [string, Record<string, string>][] => {
    const middle = name(Math.floor(size / 2));
    return [
      ["first page, by name", {}],
      ["middle page, by name", { after: encodeCursor([middle]) }],
      ["last page, by name", { last: "1" }],
      ["filter: needs attention", { state: "needs_attention" }],
      ["filter: active, middle page", { state: "active", after: encodeCursor([middle]) }],
      ["filter: expired", { state: "expired" }],
      ["filter: deactivated, last page", { state: "deactivated", last: "1" }],
      ["sort: state", { sort: "state" }],
      ["sort: state, middle page", { sort: "state", after: encodeCursor(["active", middle]) }],
      ["sort: last used", { sort: "last_used" }],
      ["sort: expiry", { sort: "expiry" }],
      ["sort: expiry, last page", { sort: "expiry", last: "1" }],
      // Ten matches at every size (identity-000420 … 000429), so each size renders the same rows.
      ["search: '00042'", { q: "00042" }],
    ];
  };

  const figures = new Map<string, number[]>();
  const pages = new Map<string, number[]>();
  const baselines: number[] = [];
  const pageBaselines: number[] = [];
  for (const size of SIZES) {
    const slug = `team-${size}`;
    const seeded = performance.now();
    console.info(`seeding ${size}`);
    await seedTeam(slug, size);
    await db().$executeRawUnsafe("VACUUM ANALYZE"); // as autovacuum would: statistics, and the GIN pending list merged
    console.info(`seeded ${size} identities in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    const one = await db().serviceIdentity.findFirstOrThrow({ where: { team: { slug }, name: name(size / 2) } });
    baselines.push(await median(() => db().serviceIdentity.findUnique({ where: { id: one.id } })));
    pageBaselines.push(await median(() => page("/teams")));
    if (!(await page(`/teams/${slug}/identities`)).includes(name(0))) throw new Error("the dashboard lists nothing");
    for (const [label, query] of cases(size)) {
      const ms = await median(() => listIdentities(actor, slug, listQuery.parse(query)));
      figures.set(label, [...(figures.get(label) ?? []), ms]);
      const search = new URLSearchParams(query).toString();
      const whole = await median(() => page(`/teams/${slug}/identities${search ? `?${search}` : ""}`));
      pages.set(label, [...(pages.get(label) ?? []), whole]);
    }
  }

  const [smallest, largest] = [SIZES[0], SIZES.at(-1)].map((s) => `${(s ?? 0) / 1000}k`);
  /** One table: each case at each size, its growth from the smallest size and its multiple of the baseline. */
  function report(title: string, rows: Map<string, number[]>, baseline: number, baselineName: string) {
    console.info(`\n${title}, median of ${RUNS} runs; baseline (${baselineName}): ${baseline.toFixed(2)} ms`);
    console.info(
      `${"case".padEnd(32)}${SIZES.map((s) => `${s / 1000}k ms`.padStart(10)).join("")}${`${largest}/${smallest}`.padStart(10)}${`${largest}/baseline`.padStart(16)}`,
    );
    let met = true;
    for (const [label, ms] of rows) {
      const growth = (ms.at(-1) ?? 0) / (ms[0] ?? 1);
      const overBaseline = (ms.at(-1) ?? 0) / baseline;
      met &&= growth <= 1.5 && overBaseline <= 5;
      console.info(
        `${label.padEnd(32)}${ms.map((m) => m.toFixed(2).padStart(10)).join("")}${`${growth.toFixed(2)}×`.padStart(10)}${`${overBaseline.toFixed(1)}×`.padStart(16)}`,
      );
    }
    console.info(`targets (≤ 1.5× of ${smallest} at ${largest}, ≤ 5× baseline): ${met ? "met" : "NOT met"}`);
  }
  report("the whole dashboard page through HTTP", pages, Math.max(...pageBaselines), "the team list page");
  report("the list query alone", figures, Math.max(...baselines), "one identity by primary key");
  await disconnectDb();
} finally {
  await rig.stop();
}
