import { expect, test } from "./support/test";

test("the home page renders with its styles and no console errors", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto("/");
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toContainText("Anaplan tokens for your scripts");
  // Tailwind's output is applied: the heading has the brand colour and the body the slate background.
  await expect(heading).toHaveCSS("color", "rgb(15, 44, 87)");
  await expect(heading).toHaveCSS("font-weight", "700");
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).not.toBe("rgba(0, 0, 0, 0)");
  expect(problems).toEqual([]);
});

test("GET /api/health reports the database, the key ring and the keep-alive sweep", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  // The server's worker runs a keep-alive round as it starts.
  expect(await response.json()).toMatchObject({ status: "ok", db: "ok", keyRing: "ok", worker: "ok" });
});

test("pages carry the security headers", async ({ request }) => {
  for (const path of ["/", "/signin"]) {
    const headers = (await request.get(path)).headers();
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("no-referrer");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["strict-transport-security"]).toContain("max-age=31536000");
    expect(headers["x-powered-by"]).toBeUndefined();
  }
  expect((await request.get("/api/health")).headers()["cache-control"]).toBe("no-store");
});

test("an unknown page gets the portal's own 404 with a way home", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "There is nothing here" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Home" })).toBeVisible();
});
