import type { Page } from "@playwright/test";

/** The code of one tab of a page's code examples (the region is the examples' title, e.g. "Try it"). */
export async function snippet(page: Page, region: string, tab: string) {
  const panel = page.getByRole("region", { name: region });
  await panel.getByRole("tab", { name: tab }).click();
  return (await panel.getByRole("tabpanel").locator("pre").textContent()) ?? "";
}
