// kill -9 in the middle of a refresh, CRASH_INJECTIONS times (200 unless set; CI keeps at least 200). A separate
// portal process (tests/helpers/refresh-child.ts) refreshes a rotatable identity and is killed before its call to
// Anaplan, after Anaplan rotated but before the new token was written, after the write, or at a random moment. The
// window it really died in is read from what happened (Anaplan's call counter, the grant's generation). Afterwards
// the identity must work, or be "needs attention" with a reason that names the crash; no lease outlives its expiry
// and no token is stored in plaintext. The counts per window are printed.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { build } from "esbuild";
import pg from "pg";
import { validateAccessToken } from "@/lib/anaplan";
import { getAccessToken } from "@/lib/grants/access-token";
import { grantClientOf } from "@/lib/identities/grant-client";
import { createIdentity, getIdentity } from "@/lib/identities/manage";
import { identityFields } from "@/lib/identities/schemas";
import { db } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import type { Actor } from "@/lib/teams/access";
import { simulatorSettings } from "@/simulator";
import { setUpTestDatabase, testSecrets } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { giveGrant, setUpTeams } from "../helpers/team.ts";
import { until } from "../helpers/until.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();

const INJECTIONS = Number(process.env.CRASH_INJECTIONS ?? 200);
const LEASE_SECONDS = 30;
const MODES = ["before the call", "after rotation", "after the write", "random"] as const;
const WINDOWS = ["before the Anaplan call", "after Anaplan rotated, before the write", "after the write"] as const;
type Window = (typeof WINDOWS)[number];

type Child = {
  process: ChildProcess;
  output: string[];
  waitFor(line: string): Promise<void>;
  exited: Promise<unknown>;
};

/**
 * The child, bundled once with esbuild (the same sources, packages left to node_modules): two hundred children then
 * start from one JavaScript file instead of compiling TypeScript each, which was most of this test's CPU.
 */
const CHILD = path.join("node_modules/.cache", `refresh-child-${process.pid}.mjs`);
await build({
  entryPoints: ["tests/helpers/refresh-child.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  conditions: ["react-server"],
  tsconfig: "tsconfig.json",
  outfile: CHILD,
  logLevel: "warning",
});
after(() => rm(CHILD, { force: true }));

function startChild(): Child {
  const child = spawn(process.execPath, ["--conditions=react-server", CHILD], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...testSecrets, ...simulatorSettings(sim.simulator), DATABASE_URL: env().DATABASE_URL },
  });
  const output: string[] = [];
  const waiters: [string, () => void][] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n").filter(Boolean)) {
      output.push(line);
      for (const [wanted, resolve] of waiters) if (line === wanted) resolve();
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    process: child,
    output,
    exited,
    waitFor: (line) =>
      output.includes(line)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push([line, resolve]);
            void exited.then(() => reject(new Error(`the child exited before "${line}": ${output.join(" | ")}`)));
          }),
  };
}

/** An enrolled identity, its grant holding a refresh token of its own from the simulator (no device flow needed). */
async function identityWithFreshGrant(actor: Actor, name: string) {
  const identity = await createIdentity(actor, "crash-a", identityFields.parse({ name }));
  const [refreshToken] = (await sim.operator.mint(identity.deviceClientId, "service", 1)).refreshTokens;
  const tokens = {
    accessToken: "never-issued",
    accessTokenExpiresAt: new Date(0),
    refreshToken,
    tokenType: "Bearer" as const,
  };
  return { ...identity, grantId: await giveGrant(identity, tokens) };
}

const refreshCalls = async () =>
  (await sim.operator.counters()).token[sim.simulator.clients.device.id]?.refresh_token ?? 0;

test(`kill -9 mid-refresh, ${INJECTIONS} times: every identity works or says it needs attention, and why`, async () => {
  const actors = await setUpTeams("crash");
  const counts = new Map<string, number>();
  const outputs: string[] = [];
  // How long a child takes from its order to a stored refresh, so random kills spread over the whole of it.
  let refreshMs = 300;
  // Children start a few ahead, so their start-up overlaps the previous injections.
  const spares = [startChild(), startChild(), startChild()];
  for (let i = 0; i < INJECTIONS; i++) {
    const mode = MODES[i % MODES.length] ?? "random";
    const identity = await identityWithFreshGrant(actors.admin, `crash-${i}`);
    const child = spares.shift() as Child;
    spares.push(startChild());
    await child.waitFor("ready");
    const callsBefore = await refreshCalls();
    const { generation } = await db().grant.findUniqueOrThrow({ where: { id: identity.grantId } });
    if (mode === "after rotation")
      await sim.operator.slowNext({ endpoint: "token", count: 1, ms: 30_000, after: true });
    const ordered = Date.now();
    child.process.stdin?.write(`${identity.grantId} ${mode === "before the call" ? 1 : 0}\n`);
    if (mode === "before the call") await child.waitFor("calling");
    if (mode === "after rotation")
      await until(async () => (await refreshCalls()) > callsBefore, "the refresh to reach Anaplan");
    if (mode === "after the write") {
      await child.waitFor("written");
      refreshMs = Date.now() - ordered;
    }
    if (mode === "random") await sleep(Math.random() * refreshMs * 1.2);
    const killedAt = Date.now();
    child.process.kill("SIGKILL");
    await child.exited;
    outputs.push(...child.output);
    await sleep(50); // the simulator finishes a call it already took (it rotates even though nobody hears the answer)

    const grant = await db().grant.findUniqueOrThrow({ where: { id: identity.grantId } });
    const called = (await refreshCalls()) > callsBefore;
    const window: Window = grant.generation > generation ? WINDOWS[2] : called ? WINDOWS[1] : WINDOWS[0];
    if (grant.leaseUntil) {
      assert.ok(grant.leaseUntil.getTime() <= killedAt + (LEASE_SECONDS + 1) * 1000, "the lease ends by itself");
    }
    // The dead process's lease runs out: the row is moved forward in time rather than waited for.
    await db().$executeRaw`
      UPDATE grants SET lease_until = now() - interval '1 second' WHERE id = ${identity.grantId}::uuid AND lease_until IS NOT NULL`;

    let outcome: "working" | "needs attention";
    try {
      const token = await getAccessToken(identity.grantId, grantClientOf(identity), { forceRefresh: true });
      await validateAccessToken(sim.endpoints, token.accessToken);
      outcome = "working";
    } catch (error) {
      assert.ok(error instanceof AppError && error.code === "reauthenticate", `${window}: ${String(error)}`);
      const after = await db().grant.findUniqueOrThrow({ where: { id: identity.grantId } });
      assert.equal(after.status, "needs_attention");
      assert.match(after.statusReason ?? "", /lost in an interrupted refresh/, "the reason names the crash");
      outcome = "needs attention";
    }
    assert.equal(outcome, window === WINDOWS[1] ? "needs attention" : "working", `killed ${mode}, died ${window}`);
    const shown = (await getIdentity(actors.admin, "crash-a", identity.id)).identity;
    assert.equal(shown.state, outcome === "working" ? "active" : "needs_attention", "the dashboard agrees");
    counts.set(`${window} → ${outcome}`, (counts.get(`${window} → ${outcome}`) ?? 0) + 1);
  }
  for (const spare of spares) spare.process.kill("SIGKILL");

  const stuck = await db().grant.count({ where: { leaseUntil: { gt: new Date(Date.now() + LEASE_SECONDS * 1000) } } });
  assert.equal(stuck, 0, "no lease past its expiry");
  const issued = await sim.operator.issuedTokens();
  const dump = new pg.Client({ connectionString: env().DATABASE_URL });
  await dump.connect();
  const tables = (await dump.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows;
  for (const { tablename: name } of tables) {
    const rows = (await dump.query(`SELECT row_to_json(t)::text AS row FROM "${name}" t`)).rows;
    const text = rows.map((r) => r.row as string).join("\n");
    for (const token of issued) {
      assert.ok(!text.includes(token), `a token in plaintext in ${name}`);
      assert.ok(!text.includes(Buffer.from(token).toString("hex")), `a token's bytes in ${name}`);
    }
  }
  await dump.end();
  for (const line of outputs)
    for (const token of issued) assert.ok(!line.includes(token), "a token in a child's output");

  console.info(`\nkill -9 mid-refresh: ${INJECTIONS} injections`);
  for (const [label, n] of [...counts].sort()) console.info(`  ${label.padEnd(60)} ${n}`);
  assert.equal(
    [...counts.values()].reduce((a, b) => a + b, 0),
    INJECTIONS,
  );
});
