// Two `next start` instances on one database and one Anaplan (the simulator, configured as real Anaplan would be):
// concurrent broker calls split across both make exactly one refresh, and the per-key rate limit holds in sum.
import { setTimeout as sleep } from "node:timers/promises";
import type { BrowserContext } from "@playwright/test";
import pg from "pg";
import { adminWithTeam, enrolNewIdentity } from "./support/flows";
import { startInstances } from "./support/instances";
import { waitUntilHealthy } from "./support/portal";
import { expect, test } from "./support/test";

const PORTS = [3111, 3112];

test("50 concurrent calls over 2 instances make one refresh; the rate limit holds across instances", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const { database, sim, operator, portals, stop } = await startInstances(PORTS);
  const db = new pg.Client({ connectionString: database.url });
  let context: BrowserContext | undefined;
  try {
    for (const portal of portals) await waitUntilHealthy(portal.baseURL);
    await db.connect();
    const [a, b] = portals.map((p) => p.baseURL) as [string, string];
    context = await browser.newContext({ baseURL: a });
    const page = await context.newPage();
    await adminWithTeam(page, { name: "Storm", slug: "storm" });
    await enrolNewIdentity(page, operator, "storm", "storm-etl");
    await page.getByRole("link", { name: "Create an API key" }).click();
    const newKey = async (name: string) => {
      await page.getByLabel("Key name").fill(name);
      await page.getByRole("button", { name: "Create API key" }).click();
      await expect(page.getByLabel("New API key")).toContainText(/atp_/);
      const key = (await page.getByLabel("New API key").textContent())?.trim() ?? "";
      await page.reload();
      return key;
    };

    const ask = async (base: string, key: string) => {
      const response = await fetch(`${base}/api/v1/token`, {
        method: "POST",
        headers: { Authorization: `Bearer ${key}` },
      });
      const body = (await response.json()) as { access_token?: string; error?: string };
      return { status: response.status, retryAfter: response.headers.get("retry-after"), token: body.access_token };
    };
    const refreshes = async () => (await operator.counters()).token[sim.clients.device.id]?.refresh_token ?? 0;
    const expireCachedToken = () =>
      db.query(`UPDATE grants SET access_token_expires_at = now() - interval '1 second'
                WHERE id = (SELECT grant_id FROM service_identities WHERE name = 'storm-etl')`);

    for (let round = 0; round < 3; round++) {
      const key = await newKey(`round-${round}`);
      await expireCachedToken();
      const before = await refreshes();
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => ask(i % 2 ? b : a, key)));
      expect(answers.map((x) => x.status)).toEqual(Array(50).fill(200));
      expect(new Set(answers.map((x) => x.token)).size).toBe(1);
      expect(await refreshes(), `round ${round}`).toBe(before + 1);
    }
    // The stored refresh token is the newest one: with reuse detection, an older one would kill the grant here.
    await expireCachedToken();
    const last = await newKey("check");
    expect((await ask(b, last)).status).toBe(200);

    const limited = await newKey("limited");
    if (new Date().getUTCSeconds() > 40) await sleep((61 - new Date().getUTCSeconds()) * 1000);
    const burst = await Promise.all(Array.from({ length: 100 }, (_, i) => ask(i % 2 ? b : a, limited)));
    expect(burst.filter((x) => x.status === 200)).toHaveLength(60);
    const refused = burst.filter((x) => x.status === 429);
    expect(refused).toHaveLength(40);
    expect(refused.every((x) => Number(x.retryAfter) >= 1)).toBe(true);
  } finally {
    await context?.close();
    await db.end().catch(() => {});
    await stop();
  }
});
