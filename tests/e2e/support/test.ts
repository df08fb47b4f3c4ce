// Every spec's `test`: Playwright's, plus a Content-Security-Policy watch on each browser context a test opens (its
// own page's, and any made with browser.newContext). A violation fails the test that caused it, naming the page and
// the directive, so "zero violations across the e2e suite" is checked by the suite itself.
import { type BrowserContext, test as base, expect } from "@playwright/test";

export { expect };

const MARK = "CSP violation:";

async function watch(context: BrowserContext, violations: string[]) {
  context.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" && (text.startsWith(MARK) || /Content Security Policy/i.test(text))) {
      violations.push(`${message.location().url || "(page)"} ${text}`);
    }
  });
  await context.addInitScript((mark) => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`${mark} ${e.effectiveDirective} blocked ${e.blockedURI || "inline"} on ${e.documentURI}`),
    );
  }, MARK);
}

export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ browser, context }, use) => {
      const violations: string[] = [];
      await watch(context, violations);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (options) => {
        const created = await newContext(options);
        await watch(created, violations);
        return created;
      };
      await use(violations);
      browser.newContext = newContext;
      expect(violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
});
