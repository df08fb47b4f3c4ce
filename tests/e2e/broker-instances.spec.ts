// Two `next start` instances on one database and one Anaplan (the simulator, configured as real Anaplan would be):
// concurrent broker calls split across both make exactly one refresh, the per-key rate limit holds in sum, and
// oversized bodies are refused without the server buffering them.
import { setTimeout as sleep } from "node:timers/promises";
import type { BrowserContext } from "@playwright/test";
import pg from "pg";
import { sendLargeBody } from "../helpers/large-body";
import { adminWithTeam, enrolNewIdentity } from "./support/flows";
import { startInstances } from "./support/instances";
import { waitUntilHealthy } from "./support/portal";
import { expect, test } from "./support/test";

const PORTS = [3111, 3112];
const LARGE_BODY_BYTES = 256 * 2 ** 20;

test("50 concurrent calls over 2 instances make one refresh; the rate limit holds across instances; oversized bodies are refused unread", async ({
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

    // Oversized bodies, four at once with a valid key: refused with 413 without the server buffering them.
    const [first] = portals;
    const before = first?.rssBytes() ?? 0;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, first?.rssBytes() ?? 0);
    }, 50);
    const oversized = await Promise.all([
      sendLargeBody(`${a}/api/v1/token`, last, LARGE_BODY_BYTES, { declare: true }),
      sendLargeBody(`${a}/api/v1/token`, last, LARGE_BODY_BYTES, { declare: true }),
      sendLargeBody(`${a}/api/v1/token`, last, LARGE_BODY_BYTES, { declare: false }),
      sendLargeBody(`${a}/api/v1/token`, last, LARGE_BODY_BYTES, { declare: false }),
    ]);
    clearInterval(sampler);
    expect(oversized.map((x) => x.status)).toEqual([413, 413, 413, 413]);
    expect(oversized.every((x) => x.error === "request_too_large")).toBe(true);
    const grewMb = (peak - before) / 2 ** 20;
    expect(grewMb, `the server grew by ${grewMb.toFixed(0)} MB for 4 × 256 MB bodies`).toBeLessThan(96);
  } finally {
    await context?.close();
    await db.end().catch(() => {});
    await stop();
  }
});
