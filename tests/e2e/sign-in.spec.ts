import { USERS } from "../../simulator/accounts";
import { simulatorOperator } from "../../simulator/operator-client";
import { signInWithSimulator } from "./support/sign-in";
import { expect, test } from "./support/test";

const simulator = simulatorOperator("http://127.0.0.1:3199");

test.afterEach(() => simulator.setLoginOutcome("normal"));

test("sign in through the simulator, see the Anaplan profile, sign out", async ({ page, context }) => {
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fprofile/);
  await expect(page.getByText("Simulator", { exact: true })).toBeVisible();
  await signInWithSimulator(page, USERS.admin);

  // Sent to sign in from the profile, the sign-in returns there.
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ada Admin");
  const profile = page.getByRole("region", { name: "Your Anaplan profile" });
  await expect(profile).toContainText(USERS.admin.email);
  await expect(profile).toContainText(USERS.admin.id);
  await expect(profile).toContainText(USERS.admin.customerId);
  await expect(profile).toContainText("Portal admin");

  const before = (await simulator.counters()).token;
  await page.getByRole("button", { name: "Refresh now" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText("Refreshed");
  const after = (await simulator.counters()).token;
  const refreshes = (c: typeof before) => Object.values(c).reduce((n, x) => n + x.refresh_token, 0);
  expect(refreshes(after)).toBe(refreshes(before) + 1);

  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === "next-auth.session-token")?.httpOnly).toBe(true);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin\?signedOut=1/);
  await expect(page.getByRole("main").getByRole("status")).toHaveText("You are signed out.");
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/signin/);
});

test("denied at Anaplan: a clear message and no session", async ({ page, context }) => {
  await simulator.setLoginOutcome("deny");
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Anaplan" }).click();
  await expect(page).toHaveURL(/\/signin\?error=denied/);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    "You declined the request at Anaplan, so you are not signed in.",
  );
  expect((await context.cookies()).some((c) => c.name.includes("session-token"))).toBe(false);
});

test("the Deny button on Anaplan's login page ends the same way", async ({ page, context }) => {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Anaplan" }).click();
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("You declined the request");
  expect((await context.cookies()).some((c) => c.name.includes("session-token"))).toBe(false);
});
