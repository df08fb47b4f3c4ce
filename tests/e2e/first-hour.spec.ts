// An admin's first hour: the host redirect, sign-out that ends the Anaplan session too, members and roles, forms
// that keep what was typed, the mismatch panel, the identities list's sorts and pages, and every page at desktop
// and phone widths (screenshots kept in test-results/screenshots as CI artefacts).
import { mkdir } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { USERS } from "../../simulator/accounts";
import { simulatorOperator } from "../../simulator/operator-client";
import { adminWithTeam, enrolNewIdentity } from "./support/flows";
import { SIGNED_IN, signedIn, signInOn, signInWithSimulator } from "./support/sign-in";
import { expect, test } from "./support/test";

const simulator = simulatorOperator("http://127.0.0.1:3199");
const SCREENSHOTS = "test-results/screenshots";

test("a page opened on another host than NEXTAUTH_URL moves there before sign-in starts", async ({ page }) => {
  await page.goto("http://127.0.0.1:3100/signin?callbackUrl=%2Fteams");
  await expect(page).toHaveURL("http://localhost:3100/signin?callbackUrl=%2Fteams");
  await signInWithSimulator(page, USERS.admin);
  await expect(page).toHaveURL("http://localhost:3100/teams");
});

test("signing out ends the simulator's session too; 'Use another account' asks Anaplan who is signing in", async ({
  page,
  context,
}) => {
  await signInOn(page, USERS.admin);
  // Without the portal's cookie but still signed in at Anaplan, a plain sign-in re-enters silently…
  await context.clearCookies({ domain: "localhost" });
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Anaplan" }).click();
  await expect(page).toHaveURL(SIGNED_IN);
  await page.goto("/profile");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ada Admin");
  // …and "Use another account" shows Anaplan's sign-in form, where another account can be chosen.
  await context.clearCookies({ domain: "localhost" });
  await page.goto("/signin");
  await page.getByRole("button", { name: "Use another account" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Anaplan" })).toBeVisible();
  await page.getByLabel("Email").fill(USERS.member.email);
  await page.getByLabel("Password").fill(USERS.member.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(SIGNED_IN);
  await page.goto("/profile");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Max Member");
  // Sign-out passes through the simulator's end-session endpoint and lands on the sign-in page…
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin\?signedOut=1$/);
  await expect(page.getByRole("main").getByRole("status")).toHaveText("You are signed out.");
  // …so the next sign-in asks again instead of re-entering as Max.
  await page.getByRole("button", { name: "Sign in with Anaplan" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Anaplan" })).toBeVisible();
});

test("members: the creator is listed, roles change after a confirmation, the last admin is guarded", async ({
  page,
  browser,
}) => {
  const member = await signedIn(browser, USERS.member);
  await member.context.close();
  await adminWithTeam(page, { name: "Roles Team", slug: "roles-team" });
  await page.goto("/teams/roles-team/members");
  const ada = page.getByRole("listitem").filter({ hasText: USERS.admin.email });
  await expect(ada).toContainText("admin · last admin");
  await expect(ada).toContainText("appoint another admin first");
  await expect(ada.getByRole("button")).toHaveCount(0);

  await page.getByLabel("Email").fill(USERS.member.email);
  await page.getByRole("button", { name: "Add member" }).click();
  const max = page.getByRole("listitem").filter({ hasText: USERS.member.email });
  await expect(max).toContainText("member");
  await max.getByRole("button", { name: "Make Max Member an admin" }).click();
  await expect(max).toContainText("will manage members, identities, keys and the audit trail");
  await max.getByRole("button", { name: "Make admin" }).click();
  await expect(max.getByText("admin", { exact: true })).toBeVisible();
  // Two admins: Ada is no longer the last, so she may now be demoted; Max is demoted back instead.
  await expect(ada.getByRole("button", { name: "Make Ada Admin a member" })).toBeVisible();
  await max.getByRole("button", { name: "Make Max Member a member" }).click();
  await max.getByRole("button", { name: "Make member" }).click();
  await expect(max.getByText("member", { exact: true })).toBeVisible();
  await expect(ada).toContainText("last admin");
  await max.getByRole("button", { name: "Remove Max Member" }).click();
  await expect(max).toContainText("loses access to Roles Team at once");
  await max.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(page.getByRole("listitem").filter({ hasText: USERS.member.email })).toHaveCount(0);
});

test("forms: a refused submit keeps the typed values, focuses the first invalid field and says why", async ({
  page,
}) => {
  await adminWithTeam(page, { name: "Forms Team", slug: "forms-team" });
  await page.goto("/teams/forms-team/identities/new");
  const long = "n".repeat(500);
  await page.getByLabel("Name").fill(long);
  await page.getByLabel("Description").fill("kept after the refusal");
  await expect(page.getByText("Advanced: OAuth client settings")).toBeVisible();
  await expect(page.getByLabel("Device-grant client id")).toBeHidden();
  await page.getByRole("button", { name: "Create identity" }).click();
  await expect(page.getByText("At most 80 characters.")).toBeVisible();
  await expect(page.getByLabel("Name")).toBeFocused();
  await expect(page.getByLabel("Name")).toHaveValue(long, { timeout: 1000 });
  await expect(page.getByLabel("Description")).toHaveValue("kept after the refusal");
  // An invalid advanced setting opens "Advanced" and lands there.
  await page.getByLabel("Name").fill("short-name");
  await page.getByText("Advanced: OAuth client settings").click();
  await page.getByLabel("Device-grant client id").fill("NOT-HEX");
  await page.getByLabel("Device-grant client id").evaluate((e) => e.removeAttribute("pattern"));
  await page.getByRole("button", { name: "Create identity" }).click();
  await expect(page.getByText("A device-grant client id is 32 lowercase hex characters.")).toBeVisible();
  await expect(page.getByLabel("Device-grant client id")).toBeFocused();
  await expect(page.getByLabel("Name")).toHaveValue("short-name");
});

test("mismatch panel: Discard is the neutral choice; afterwards both buttons are disabled and it says what happened", async ({
  page,
}) => {
  await adminWithTeam(page, { name: "Mismatch Team", slug: "mismatch-team" });
  await page.goto("/teams/mismatch-team/identities/new");
  await page.getByLabel("Name").fill("expects-service");
  await page.getByLabel("Expected service account (email)").fill(USERS.service.email);
  await page.getByRole("button", { name: "Create identity" }).click();
  await page.getByRole("button", { name: "Enrol" }).click();
  await simulator.approve((await page.getByLabel("User code").textContent())?.trim() ?? "", "member");
  const panel = page.getByRole("alert").filter({ hasText: "Approved by an unexpected account" });
  await expect(panel).toBeVisible({ timeout: 20_000 });
  const discard = panel.getByRole("button", { name: "Discard this token" });
  const keep = panel.getByRole("button", { name: "Use it anyway" });
  // Keep wears the risk colour (the red outline of the portal's danger buttons); Discard does not.
  await expect(keep).toHaveClass(/text-red-700/);
  await expect(discard).not.toHaveClass(/text-red/);
  await discard.click();
  await expect(panel.getByRole("status")).toHaveText("The token was discarded.");
  await expect(discard).toBeDisabled();
  await expect(keep).toBeDisabled();
  await expect(panel.getByRole("link", { name: "Back to the identity" })).toBeVisible();
});

test("identities list: sorting by a column and paging with Next, Previous, First and Last", async ({ page }) => {
  await adminWithTeam(page, { name: "Paging Team", slug: "paging-team" });
  for (let i = 0; i < 27; i++) {
    await page.goto("/teams/paging-team/identities/new");
    await page.getByLabel("Name").fill(`job-${String(i).padStart(2, "0")}`);
    await page.getByRole("button", { name: "Create identity" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`job-${String(i).padStart(2, "0")}`);
  }
  await page.goto("/teams/paging-team/identities");
  const names = () => page.locator("table tbody tr td:first-child").allTextContents();
  await expect.poll(async () => (await names()).slice(0, 2)).toEqual(["job-00", "job-01"]);
  await page.getByRole("link", { name: "Next", exact: true }).click();
  await expect(page).toHaveURL(/after=/);
  await expect.poll(names).toEqual(["job-25", "job-26"]);
  await expect(page.getByRole("link", { name: "Next", exact: true })).toHaveCount(0);
  await page.getByRole("link", { name: "Previous", exact: true }).click();
  await expect(page).toHaveURL(/before=/);
  await expect.poll(async () => (await names()).length).toBe(25);
  await page.getByRole("link", { name: "Last", exact: true }).click();
  await expect(page).toHaveURL(/last=1/);
  await expect.poll(async () => (await names()).at(-1)).toBe("job-26");
  await page.getByRole("link", { name: "First", exact: true }).click();
  await expect(page).toHaveURL(/identities$/);
  await expect.poll(async () => (await names())[0]).toBe("job-00");
  await page.getByRole("columnheader", { name: /State/ }).getByRole("link").click();
  await expect(page).toHaveURL(/sort=state/);
  await expect(page.getByRole("columnheader", { name: /State/ })).toHaveAttribute("aria-sort", "ascending");
  // A link past the end (an old bookmark) gets a clear empty page with a way back.
  await page.goto(`/teams/paging-team/identities?after=${Buffer.from('["zzz"]').toString("base64url")}`);
  await expect(page.getByText("No more identities here")).toBeVisible();
  await page.getByRole("link", { name: "Back to the first page" }).click();
  await expect(page).toHaveURL(/identities$/);
  await expect.poll(async () => (await names())[0]).toBe("job-00");
  // The other long lists answer an out-of-range cursor the same way; an old ?page=999 is simply the first page.
  await page.goto("/teams/paging-team/audit?before=1");
  await expect(page.getByText("No older events here.")).toBeVisible();
  await page.getByRole("link", { name: "Back to the newest" }).click();
  await expect(page.getByRole("table")).toBeVisible();
  await page.goto("/admin/users?after=zzzz");
  await expect(page.getByText("No more users here")).toBeVisible();
  await page.goto("/teams/paging-team/identities?page=999");
  await expect.poll(async () => (await names())[0]).toBe("job-00");
});

const PAGES = [
  ["home", "/"],
  ["profile", "/profile"],
  ["teams", "/teams"],
  ["identities", "/teams/shots/identities"],
  ["identity", "IDENTITY"],
  ["new-identity", "/teams/shots/identities/new"],
  ["members", "/teams/shots/members"],
  ["team-audit", "/teams/shots/audit"],
  ["notifications", "/teams/shots/notifications"],
  ["admin-users", "/admin/users"],
  ["admin-audit", "/admin/audit"],
  ["not-found", "/no-such-page"],
] as const;

async function checkLayout(page: Page, name: string, width: number) {
  // The page, not the profile's loading state (it waits on Anaplan behind a "Loading…" placeholder).
  await expect(page.locator('main[aria-busy="true"]')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOTS}/${name}-${width}.png`, fullPage: true });
  const layout = await page.evaluate(() => {
    // The outermost elements that reach past the right edge, named for the failure message.
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].slice(0, 4).join(".")}`);
    return {
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      header: document.querySelector("header")?.getBoundingClientRect().height ?? 0,
      wide,
    };
  });
  expect(layout.overflow, `${name} at ${width}px scrolls sideways: ${layout.wide.join(", ")}`).toBeLessThanOrEqual(0);
  expect(layout.header, `${name} at ${width}px: the header is one row`).toBeLessThan(70);
}

test("every page at 1280 px and 390 px: one-row header, nothing cut off sideways (screenshots kept)", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await mkdir(SCREENSHOTS, { recursive: true });
  await adminWithTeam(page, { name: "Screenshots", slug: "shots" });
  await enrolNewIdentity(page, simulator, "shots", "nightly-etl-with-a-rather-long-name");
  await page.getByRole("link", { name: /Back to/ }).click();
  await expect(page).toHaveURL(/identities\/[0-9a-f-]{36}$/);
  const identityUrl = page.url();
  await checkLayout(page, "enrolled", 1280);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    for (const [name, path] of PAGES) {
      await page.goto(path === "IDENTITY" ? identityUrl : path);
      await checkLayout(page, name, width);
    }
  }
  // At phone width the links live behind Menu, and every one of them is reachable.
  await page.goto("/teams");
  await page.getByText("Menu").click();
  for (const link of ["Teams", "Users", "Audit", "Ada Admin"]) {
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link })).toBeVisible();
  }
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  // Identity cards keep their state visible; a pending enrolment's user code stays on one line.
  await page.goto("/teams/shots/identities");
  await expect(page.getByRole("listitem").filter({ hasText: "nightly-etl" }).getByText("active")).toBeVisible();
  await page.goto("/teams/shots/identities/new");
  await page.getByLabel("Name").fill("pending-one");
  await page.getByRole("button", { name: "Create identity" }).click();
  await page.getByRole("button", { name: "Enrol" }).click();
  const code = page.getByLabel("User code");
  await expect(code).toBeVisible();
  const lineHeight = await code.evaluate((e) => Number.parseFloat(getComputedStyle(e).lineHeight));
  expect((await code.boundingBox())?.height ?? 0).toBeLessThan(lineHeight * 1.5);
  await checkLayout(page, "enrolment-pending", 390);
});
