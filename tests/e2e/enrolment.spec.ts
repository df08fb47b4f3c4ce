// A team admin creates a service identity and enrols it with the device grant; the service account approves on
// the simulator's page in another browser context, and the enrolment page turns active by itself.
import type { Browser, Page } from "@playwright/test";
import { USERS } from "../../simulator/accounts";
import { simulatorOperator } from "../../simulator/operator-client";
import { signInOn } from "./support/sign-in";
import { expect, test } from "./support/test";

const simulator = simulatorOperator("http://127.0.0.1:3199");
test.describe.configure({ mode: "serial" });
test.setTimeout(90_000);

async function signIn(page: Page) {
  await signInOn(page, USERS.admin);
}

/** The service account, in a private window of its own, answers at the verification link. */
async function answerAtAnaplan(browser: Browser, link: string, answer: "Approve" | "Deny") {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByText("Anaplan simulator")).toBeVisible();
  if (answer === "Approve") {
    await page.getByLabel("Email").fill(USERS.service.email);
    await page.getByLabel("Password").fill(USERS.service.password);
  }
  await page.getByRole("button", { name: answer }).click();
  await expect(page.getByRole("status")).toContainText(answer === "Approve" ? "Approved" : "Denied");
  await context.close();
}

async function createIdentity(page: Page, name: string) {
  await page.goto("/teams/data-team/identities/new");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Expected service account (email)").fill(USERS.service.email);
  await page.getByRole("button", { name: "Create identity" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(page.getByText("not enrolled", { exact: true })).toBeVisible();
}

async function startEnrolment(page: Page, label = "Enrol") {
  await page.getByRole("button", { name: label }).click();
  await expect(page.getByRole("heading", { name: "Waiting for approval at Anaplan" })).toBeVisible();
  const code = (await page.getByLabel("User code").textContent())?.trim() ?? "";
  expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
  const link = await page.getByRole("link", { name: /activate\?user_code=/ }).getAttribute("href");
  expect(link).toContain(code);
  return link ?? "";
}

test.beforeAll(() => simulator.setDefaults({ deviceInterval: 1, deviceCodeTtlSeconds: 900 }));
test.afterAll(() => simulator.reset());

test("admin creates a team and an identity, enrols it, and sees it turn active without reloading", async ({
  page,
  browser,
}) => {
  await signIn(page);
  await page.goto("/teams");
  await page.getByLabel("Team name").fill("Data Team");
  await expect(page.getByLabel("Slug (used in links)"), "the slug is suggested from the name").toHaveValue("data-team");
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(/\/teams\/data-team\/identities$/);
  await expect(page.getByText("No identities yet")).toBeVisible();

  await createIdentity(page, "nightly-load");
  const link = await startEnrolment(page);
  await expect(page.getByText("Open the link below in a private (incognito) window")).toBeVisible();
  await expect(page.getByRole("img", { name: "QR code of the verification link" })).toBeVisible();
  await expect(page.getByText(/Expires in \d+:\d\d/)).toBeVisible();
  await page.screenshot({ path: "test-results/enrolment-pending.png", fullPage: true });

  await answerAtAnaplan(browser, link, "Approve");
  await expect(page.getByRole("heading", { name: "Enrolled: the identity is active" })).toBeVisible({
    timeout: 20_000,
  });
  await expect(page.getByRole("main")).toContainText(`Approved by ${USERS.service.email}`);

  await page.getByRole("link", { name: "Back to nightly-load" }).click();
  await expect(page.getByText("active", { exact: true })).toBeVisible();
  await page.goto("/teams/data-team/identities");
  const row = page.getByRole("row", { name: /nightly-load/ });
  await expect(row).toContainText("active");
  await expect(row).toContainText(USERS.service.email);
  await page.screenshot({ path: "test-results/dashboard.png", fullPage: true });
});

test("denied at Anaplan: the page says so and stores nothing", async ({ page, browser }) => {
  await signIn(page);
  await createIdentity(page, "refused-load");
  const link = await startEnrolment(page);
  await answerAtAnaplan(browser, link, "Deny");
  await expect(page.getByRole("heading", { name: "Denied" })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("main").getByRole("alert")).toContainText("denied at Anaplan");
  await expect(page.getByText("Anaplan refuses the device grant to SSO users")).toBeVisible();
  await expect(page.getByText("Open the link in a private window")).toBeVisible();
  await page.goto("/teams/data-team/identities?state=not_enrolled");
  await expect(page.getByRole("row", { name: /refused-load/ })).toContainText("not enrolled");
});

test("an expired code says so, and trying again works", async ({ page, browser }) => {
  await signIn(page);
  await createIdentity(page, "late-load");
  await simulator.setDefaults({ deviceCodeTtlSeconds: 3 });
  await startEnrolment(page);
  await simulator.setDefaults({ deviceCodeTtlSeconds: 900 });
  await expect(page.getByRole("heading", { name: "Expired" })).toBeVisible({ timeout: 20_000 });
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { name: "Waiting for approval at Anaplan" })).toBeVisible();
  const link = await page.getByRole("link", { name: /activate\?user_code=/ }).getAttribute("href");
  await answerAtAnaplan(browser, link ?? "", "Approve");
  await expect(page.getByRole("heading", { name: "Enrolled: the identity is active" })).toBeVisible({
    timeout: 20_000,
  });
});
