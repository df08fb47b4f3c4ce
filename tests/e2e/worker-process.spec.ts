// The production shape of background work: two app instances with PORTAL_WORKER=0 run none of it, and one
// `npm run worker` process does it all (here: the keep-alive of a due grant, exactly one refresh).
import { type ChildProcess, spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { adminWithTeam, enrolNewIdentity } from "./support/flows";
import { startInstances } from "./support/instances";
import { waitUntilHealthy } from "./support/portal";

const PORTS = [3113, 3114];

test("app instances with PORTAL_WORKER=0 do no background work; npm run worker does it, once", async ({ browser }) => {
  test.setTimeout(240_000);
  const { database, sim, operator, env: shared, portals, stop } = await startInstances(PORTS, { PORTAL_WORKER: "0" });
  const db = new pg.Client({ connectionString: database.url });
  let worker: ChildProcess | undefined;
  let workerOutput = "";
  try {
    for (const portal of portals) await waitUntilHealthy(portal.baseURL);
    await db.connect();
    const [a] = portals.map((p) => p.baseURL) as [string];
    const context = await browser.newContext({ baseURL: a });
    const page = await context.newPage();
    await adminWithTeam(page, { name: "Workers", slug: "workers" });
    await enrolNewIdentity(page, operator, "workers", "kept-alive");
    await context.close();

    for (const portal of portals) expect(portal.output()).toContain("background worker off in this instance");
    expect((await db.query("SELECT * FROM worker_heartbeats")).rowCount).toBe(0);
    expect((await (await fetch(`${a}/api/health`)).json()).worker).toBe("not yet run");

    // Due for keep-alive: its last refresh is older than half any TTL.
    await db.query("UPDATE grants SET last_refresh_at = now() - interval '7 hours' WHERE kind = 'identity'");
    const refreshes = async () => (await operator.counters()).token[sim.clients.device.id]?.refresh_token ?? 0;
    const before = await refreshes();

    worker = spawn("node", ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...shared, DATABASE_URL: database.url, PORTAL_TEST_RIG: "1" },
    });
    worker.stdout?.on("data", (c: Buffer) => {
      workerOutput += c.toString();
    });
    worker.stderr?.on("data", (c: Buffer) => {
      workerOutput += c.toString();
    });
    const pid = worker.pid;
    await expect
      .poll(
        async () =>
          (await db.query("SELECT instance FROM worker_heartbeats WHERE job = 'keep_alive'")).rows[0]?.instance,
        {
          timeout: 60_000,
          message: `the worker's keep-alive round (output: ${workerOutput})`,
        },
      )
      .toMatch(new RegExp(`:${pid}$`));
    expect(await refreshes()).toBe(before + 1);
    await expect.poll(async () => (await (await fetch(`${a}/api/health`)).json()).worker).toBe("ok");
    expect(workerOutput).toContain("background worker started");
    expect(workerOutput).not.toMatch(/"level":"error"/);
  } finally {
    if (worker?.pid && worker.exitCode === null) process.kill(-worker.pid, "SIGTERM");
    await db.end().catch(() => {});
    await stop();
  }
});
