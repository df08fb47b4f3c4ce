// The portal's PostgreSQL restarts under it (stopped with a fast shutdown, started again on the same data), once
// while an enrolment page is polling and once while a refresh is in flight, with scripts calling the broker all
// along: while it is down every answer is a clear 503 with Retry-After, never a 500; afterwards everything works
// without a manual step, the approval given meanwhile completes the enrolment, and no refresh token is lost.
import { setTimeout as sleep } from "node:timers/promises";
import type { BrowserContext } from "@playwright/test";
import pg from "pg";
import { adminWithTeam, createApiKey, enrolNewIdentity } from "./support/flows";
import { startInstances } from "./support/instances";
import { waitUntilHealthy } from "./support/portal";
import { expect, test } from "./support/test";

const PORT = 3117;
type Answer = { status: number; error?: string; retryAfter: string | null };

test("a database restart mid-enrolment and mid-refresh: 503s while down, no 500s, nothing lost", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const { database, sim, operator, portals, stop } = await startInstances([PORT]);
  const [portal] = portals as [(typeof portals)[number]];
  // The test's own connections are cut by each restart too; a pool replaces them.
  const db = new pg.Pool({ connectionString: database.url, max: 1 });
  db.on("error", () => {});
  let context: BrowserContext | undefined;
  let running = true;
  let traffic: Promise<unknown> = Promise.resolve();
  try {
    await waitUntilHealthy(portal.baseURL);
    context = await browser.newContext({ baseURL: portal.baseURL });
    const page = await context.newPage();
    await adminWithTeam(page, { name: "Restarts", slug: "restarts" });
    await enrolNewIdentity(page, operator, "restarts", "steady");
    const key = await createApiKey(page, "etl");

    const ask = async (): Promise<Answer> => {
      const response = await fetch(`${portal.baseURL}/api/v1/token`, {
        method: "POST",
        headers: { Authorization: `Bearer ${key}` },
      });
      const body = (await response.json()) as { error?: string };
      return { status: response.status, error: body.error, retryAfter: response.headers.get("retry-after") };
    };
    // Scripts keep calling throughout, two at a time (under the key's 60 a minute).
    const answers: Answer[] = [];
    traffic = Promise.all(
      [0, 1].map(async () => {
        while (running) {
          answers.push(await ask());
          await sleep(2500);
        }
      }),
    );

    // 1. Down while an enrolment page polls; the service account approves meanwhile.
    await page.goto("/teams/restarts/identities/new");
    await page.getByLabel("Name").fill("polled");
    await page.getByRole("button", { name: "Create identity" }).click();
    await page.getByRole("button", { name: "Enrol" }).click();
    const userCode = (await page.getByLabel("User code").textContent())?.trim() ?? "";
    const enrolmentPath = new URL(page.url()).pathname;
    await expect(page.getByText(/[1-9]\d* checks so far/)).toBeVisible({ timeout: 15_000 });

    await database.halt();
    const down = await ask();
    expect(down).toEqual({ status: 503, error: "service_unavailable", retryAfter: "5" });
    const statusCheck = await page.request.get(`/api${enrolmentPath}`);
    expect(statusCheck.status()).toBe(503);
    expect((await statusCheck.json()).error).toBe("service_unavailable");
    expect((await fetch(`${portal.baseURL}/api/health`)).status).toBe(503);
    await expect(page.getByRole("status").filter({ hasText: "cannot check right now" })).toBeVisible();
    await operator.approve(userCode, "service");
    await sleep(2000);
    await database.resume();
    await expect(page.getByRole("heading", { name: "Enrolled: the identity is active" })).toBeVisible({
      timeout: 30_000,
    });
    await waitUntilHealthy(portal.baseURL);

    // 2. Down while a refresh is in flight: Anaplan rotates at once but answers late, into the outage.
    const refreshes = async () => (await operator.counters()).token[sim.clients.device.id]?.refresh_token ?? 0;
    const expireCachedToken = () =>
      db.query(`UPDATE grants SET access_token_expires_at = now() - interval '1 second'
                WHERE id = (SELECT grant_id FROM service_identities WHERE name = 'steady')`);
    const before = await refreshes();
    await operator.slowNext({ endpoint: "token", count: 1, ms: 2000, after: true });
    await expireCachedToken();
    const inFlight = ask();
    await expect.poll(refreshes, { message: "the broker's refresh reached Anaplan" }).toBe(before + 1);
    await database.halt();
    await sleep(3000);
    await database.resume();
    expect(await inFlight).toMatchObject({ status: 200 });
    expect(await refreshes()).toBe(before + 1);

    // Nothing lost: the stored refresh token is the rotated one (the spent one would be refused).
    await expireCachedToken();
    expect((await ask()).status).toBe(200);
    expect(await refreshes()).toBe(before + 2);

    running = false;
    await traffic;
    const unexpected = answers.filter((a) => a.status !== 200 && a.status !== 503);
    expect(unexpected, "only 200s and 503s").toEqual([]);
    const outages = answers.filter((a) => a.status === 503);
    expect(outages.every((a) => a.error === "service_unavailable" && a.retryAfter === "5")).toBe(true);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(0);
    expect(portal.output()).not.toMatch(/token broker failed|route handler failed|server action failed/);
  } finally {
    running = false;
    await traffic.catch(() => {});
    await context?.close();
    await db.end().catch(() => {});
    await stop();
  }
});
