// The production shape of background work: two app instances with PORTAL_WORKER=0 run none of it, and one
// `npm run worker` process does it all (here: the keep-alive of a due grant, exactly one refresh). And the shape
// that must also be safe: both instances and the worker all running it at once, each scheduled job done once.
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { startMailCatcher } from "../helpers/smtp";
import { adminWithTeam, enrolNewIdentity } from "./support/flows";
import { startInstances } from "./support/instances";
import { waitUntilHealthy } from "./support/portal";
import { expect, test } from "./support/test";

const PORTS = [3113, 3114];
const RACING_PORTS = [3115, 3116];

/** `npm run worker` as the test's child; its output is collected for failure messages. */
function startWorkerProcess(env: Record<string, string>) {
  const child = spawn("node", ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env, PORTAL_TEST_RIG: "1" },
  });
  const state = { child, output: "" };
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (c: Buffer) => {
      state.output += c.toString();
    });
  }
  return {
    ...state,
    output: () => state.output,
    stop: () => {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    },
  };
}

test("app instances with PORTAL_WORKER=0 do no background work; npm run worker does it, once", async ({ browser }) => {
  test.setTimeout(240_000);
  const { database, sim, operator, env: shared, portals, stop } = await startInstances(PORTS, { PORTAL_WORKER: "0" });
  const db = new pg.Client({ connectionString: database.url });
  let worker: ReturnType<typeof startWorkerProcess> | undefined;
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
    await db.query(
      "UPDATE grants SET last_refresh_at = now() - interval '7 hours', sweep_after = NULL WHERE kind = 'identity'",
    );
    const refreshes = async () => (await operator.counters()).token[sim.clients.device.id]?.refresh_token ?? 0;
    const before = await refreshes();

    worker = startWorkerProcess({ ...shared, DATABASE_URL: database.url });
    const { pid } = worker.child;
    await expect
      .poll(
        async () =>
          (await db.query("SELECT instance FROM worker_heartbeats WHERE job = 'keep_alive'")).rows[0]?.instance,
        {
          timeout: 60_000,
          message: `the worker's keep-alive round (output: ${worker.output()})`,
        },
      )
      .toMatch(new RegExp(`:${pid}$`));
    expect(await refreshes()).toBe(before + 1);
    await expect.poll(async () => (await (await fetch(`${a}/api/health`)).json()).worker).toBe("ok");
    expect(worker.output()).toContain("background worker started");
    expect(worker.output()).not.toMatch(/"level":"error"/);
  } finally {
    worker?.stop();
    await db.end().catch(() => {});
    await stop();
  }
});

test("two app instances and the worker all running background work every second: each job is done exactly once", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const hooks: { id: string; type: string; subject: string }[] = [];
  const receiver = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const event = JSON.parse(Buffer.concat(chunks).toString()) as { type: string; data: { identity_id?: string } };
    hooks.push({ id: String(req.headers["webhook-id"]), type: event.type, subject: event.data.identity_id ?? "" });
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const smtp = await startMailCatcher();
  const racing = {
    KEEP_ALIVE_INTERVAL_SECONDS: "1",
    WEBHOOK_ALLOW_PRIVATE: "1",
    SMTP_URL: smtp.url,
  };
  const rig = await startInstances(RACING_PORTS, racing);
  const db = new pg.Client({ connectionString: rig.database.url });
  const worker = startWorkerProcess({ ...rig.env, ...racing, DATABASE_URL: rig.database.url });
  const count = (type: string) => hooks.filter((h) => h.type === type).length;
  /**
   * Waits for `read` to reach `expected`, then lets every loop run more rounds (three processes, each loop every
   * second: some nine rounds in three seconds): it must not move on.
   */
  const settlesAt = async (read: () => Promise<number> | number, expected: number, what: string) => {
    await expect.poll(read, { timeout: 60_000, message: what }).toBe(expected);
    await sleep(3000);
    expect(await read(), `${what}, three seconds later`).toBe(expected);
  };
  try {
    for (const portal of rig.portals) await waitUntilHealthy(portal.baseURL);
    await db.connect();
    const context = await browser.newContext({ baseURL: rig.portals[0]?.baseURL });
    const page = await context.newPage();
    await adminWithTeam(page, { name: "Racing", slug: "racing" });
    await page.goto("/teams/racing/notifications");
    await page.getByLabel("Endpoint URL").fill(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
    await page.getByRole("button", { name: "Add webhook" }).click();
    await expect(page.getByLabel("Signing secret")).toBeVisible();

    // Enrolments completed by the page's polling and three background pollers at once, and one by the
    // background alone after its tab was closed.
    await enrolNewIdentity(page, rig.operator, "racing", "kept-alive");
    await enrolNewIdentity(page, rig.operator, "racing", "second");
    await page.goto("/teams/racing/identities/new");
    await page.getByLabel("Name").fill("closed-tab");
    await page.getByRole("button", { name: "Create identity" }).click();
    await page.getByRole("button", { name: "Enrol" }).click();
    const userCode = (await page.getByLabel("User code").textContent())?.trim() ?? "";
    await context.close();
    await rig.operator.approve(userCode, "service");
    const enrolled = async () =>
      Number((await db.query("SELECT count(*) FROM service_identities WHERE grant_id IS NOT NULL")).rows[0].count);
    await settlesAt(enrolled, 3, "identities enrolled");
    await settlesAt(() => count("enrolment.completed"), 3, "enrolment.completed webhooks");

    // The keep-alive: every grant due at once, swept by three loops every second.
    const refreshes = async () => (await rig.operator.counters()).token[rig.sim.clients.device.id]?.refresh_token ?? 0;
    const before = await refreshes();
    await db.query(
      "UPDATE grants SET last_refresh_at = now() - interval '7 hours', sweep_after = NULL WHERE kind = 'identity'",
    );
    await settlesAt(refreshes, before + 3, "keep-alive refreshes");

    // An expiry notice: one chain of a client known to be absolute, two days from its end.
    await db.query(`
      WITH i AS (UPDATE service_identities SET refresh_lifetime = 'absolute', lifetime_learned = true
                 WHERE name = 'kept-alive' RETURNING grant_id)
      UPDATE grants SET refresh_token_expires_at = now() + interval '2 days' WHERE id = (SELECT grant_id FROM i)`);
    await settlesAt(() => count("identity.expiring"), 1, "identity.expiring webhooks");

    // Health checks: every grant revoked at Anaplan, every grant due for its check.
    await rig.operator.revokeGrants({ clientId: rig.sim.clients.device.id });
    await db.query("UPDATE grants SET sweep_after = NULL WHERE kind = 'identity'");
    await settlesAt(() => count("identity.needs_attention"), 3, "identity.needs_attention webhooks");

    const ids = (await db.query("SELECT id FROM service_identities")).rows.map((r) => r.id as string);
    for (const type of ["enrolment.completed", "identity.needs_attention"]) {
      expect(
        hooks
          .filter((h) => h.type === type)
          .map((h) => h.subject)
          .sort(),
        type,
      ).toEqual([...ids].sort());
    }
    expect(new Set(hooks.map((h) => h.id)).size, "no event delivered twice").toBe(hooks.length);
    expect(hooks).toHaveLength(7);

    // Email: every event in exactly one digest, each outbox row claimed once.
    await settlesAt(
      async () => Number((await db.query("SELECT count(*) FROM email_outbox WHERE sent_at IS NOT NULL")).rows[0].count),
      7,
      "events mailed",
    );
    // Quoted-printable soft line breaks ("=" at a line's end) joined, so each event is one line again.
    const lines = smtp.mails.flatMap((m) =>
      m.text
        .replace(/=\r?\n/g, "")
        .split(/\r?\n/)
        .filter((l) => l.startsWith("- ")),
    );
    expect(lines.sort()).toEqual(
      [
        ...["kept-alive", "second", "closed-tab"].flatMap((name) => [
          `- ${name} finished enrolment and is active`,
          `- ${name} needs attention (a refresh failed for good; enrol it again)`,
        ]),
        "- kept-alive reaches the end of its refresh-token chain soon: enrol it again before then",
      ].sort(),
    );
    expect((await db.query("SELECT count(*) FROM email_outbox WHERE attempts <> 1")).rows[0].count).toBe("0");
    for (const portal of rig.portals) expect(portal.output()).not.toMatch(/"level":"error"/);
    expect(worker.output()).not.toMatch(/"level":"error"/);
  } finally {
    worker.stop();
    await db.end().catch(() => {});
    await rig.stop();
    receiver.close();
    await smtp.close();
  }
});
