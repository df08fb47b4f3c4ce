// The portal admin's Users page in Chromium: find a user, disable them (their signed-in browser is out at once),
// enable them again (they must sign in anew).

import { USERS } from "../../simulator/accounts";
import { signedIn } from "./support/sign-in";
import { expect, test } from "./support/test";

test("a portal admin disables a user, whose open session ends at once, then enables them", async ({ browser }) => {
  const { context: member, page: memberPage } = await signedIn(browser, USERS.member);
  const { context: admin, page } = await signedIn(browser, USERS.admin);
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByLabel("Search by email or name").fill("member@");
  await page.getByRole("button", { name: "Search" }).click();
  const row = page.getByRole("row", { name: `User ${USERS.member.email}` });
  await row.getByRole("button", { name: "Disable…" }).click();
  await expect(row.getByRole("form")).toContainText("Every session");
  await row.getByRole("button", { name: `Disable ${USERS.member.email}` }).click();
  await expect(row).toContainText("disabled");
  await page.screenshot({ path: "test-results/users.png", fullPage: true });

  await memberPage.goto("/profile");
  await expect(memberPage).toHaveURL(/\/signin/);

  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row.getByRole("cell", { name: "active", exact: true })).toBeVisible();
  await memberPage.goto("/profile");
  await expect(memberPage).toHaveURL(/\/signin/, { timeout: 10_000 });
  await Promise.all([member.close(), admin.close()]);
});
