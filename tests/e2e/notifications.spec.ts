// The Notifications page in Chromium: add a webhook (its secret shown once), send a test event that a local
// receiver verifies with the standardwebhooks package, watch a failing receiver's delivery in the log, redeliver.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { adminWithTeam } from "./support/flows";
import { expect, test } from "./support/test";

test("a webhook is added, tested, verified by an independent implementation, and redelivered after a failure", async ({
  page,
}) => {
  const received: { headers: Record<string, string>; body: string }[] = [];
  let status = 200;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString() });
    res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await adminWithTeam(page, { name: "Hooks Team", slug: "hooks-team" });
    await page.goto("/teams/hooks-team/identities");
    await page.getByRole("link", { name: "Notifications" }).click();
    await expect(page.getByText("No webhooks yet.")).toBeVisible();
    await page.getByLabel("Endpoint URL").fill("ftp://nope.example/x");
    await page.getByLabel("Endpoint URL").evaluate((e) => e.setAttribute("type", "text"));
    await page.getByRole("button", { name: "Add webhook" }).click();
    await expect(page.getByText("Webhooks are sent to https:// URLs only.").first()).toBeVisible();
    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByRole("button", { name: "Add webhook" }).click();
    const secret = (await page.getByLabel("Signing secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^whsec_/);

    const hook = page.getByRole("region", { name: `Webhook ${url}` });
    await hook.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(1);
    const first = received[0];
    const payload = new Webhook(secret).verify(first?.body ?? "", first?.headers ?? {}) as { type: string };
    expect(payload.type).toBe("webhook.test");
    // The log updates by itself while a delivery is in flight: no reload.
    const row = hook.getByRole("row", { name: "Delivery of webhook.test" });
    await expect(row.getByText("delivered")).toBeVisible({ timeout: 15_000 });
    await page.reload();
    await expect(row).toContainText("HTTP 200");
    await expect(page.getByLabel("Signing secret")).toHaveCount(0);

    status = 500;
    await row.getByRole("button", { name: "Redeliver" }).click();
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(2);
    await expect(row).toContainText("HTTP 500", { timeout: 15_000 });
    // Failed once and waiting for its next try: retrying, drawn apart from a delivery not yet tried.
    await expect(row.getByText("retrying", { exact: true })).toBeVisible();
    await expect(row).toContainText("next try");
    await page.screenshot({ path: "test-results/screenshots/webhook-retrying-desk.png", fullPage: true });
    expect(received[1]?.headers["webhook-id"]).toBe(first?.headers["webhook-id"]);
  } finally {
    server.close();
  }
});
