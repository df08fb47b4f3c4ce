// The Content-Security-Policy holds against what it is for: a script injected into a page's HTML (as an XSS bug
// would) does not run and is reported. This spec uses Playwright's own `test`, because the suite's fixture would
// (rightly) fail it for the very violation it provokes; every other spec fails on any violation.
import { expect, test } from "@playwright/test";

test("a script injected into a page does not run, and the browser reports the violation", async ({ page }) => {
  const reported: string[] = [];
  await page.exposeFunction("reportViolation", (directive: string) => reported.push(directive));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { reportViolation: (d: string) => void }).reportViolation(e.effectiveDirective),
    );
  });
  await page.route("**/signin", async (route) => {
    const response = await route.fetch();
    const injected = (await response.text()).replace("</body>", "<script>window.injectedRan = true</script></body>");
    await route.fulfill({ response, body: injected });
  });
  const response = await page.goto("/signin");
  const policy = response?.headers()["content-security-policy"] ?? "";
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
  expect(policy.split(";").find((d) => d.trim().startsWith("script-src"))).not.toContain("unsafe-inline");
  await expect(page.getByRole("button", { name: "Sign in with Anaplan" })).toBeEnabled();
  await expect.poll(() => reported).toContain("script-src-elem");
  expect(await page.evaluate(() => (window as unknown as { injectedRan?: boolean }).injectedRan)).toBeUndefined();

  // Each response has a nonce of its own.
  const again = await page.request.get("/signin");
  expect(again.headers()["content-security-policy"]).not.toBe(policy);
});
