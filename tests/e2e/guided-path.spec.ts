// A new admin's first hour, guided, at desk and phone widths: the home page's call to action, sign-in landing on
// the teams, a team created with its slug suggested and opened at once, the dashboard's checklist leading through
// identity → enrolment → key → a script's first call (the shown curl example, run), then the audit trail with a row
// expanded and the notifications page — with no console error anywhere. Screenshots of each step are kept.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "@playwright/test";
import { USERS } from "../../simulator/accounts";
import { simulatorOperator } from "../../simulator/operator-client";
import { SIGNED_IN, signInWithSimulator } from "./support/sign-in";
import { expect, test } from "./support/test";

const simulator = simulatorOperator("http://127.0.0.1:3199");
const SCREENSHOTS = "test-results/screenshots";
const work = mkdtempSync(path.join(os.tmpdir(), "guided-"));

const checklist = (page: Page) => page.getByRole("region", { name: /Get started/ });

for (const [width, height, tag] of [
  [1280, 800, "desk"],
  [390, 844, "phone"],
] as const) {
  test(`the guided first hour at ${width} px: sign-in → team → identity → enrolment → key → script → audit → notifications`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`${message.location().url} ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.setViewportSize({ width, height });
    const shot = (step: string) =>
      page.screenshot({ path: `${SCREENSHOTS}/guided-${step}-${tag}.png`, fullPage: true });
    await simulator.setDefaults({ deviceInterval: 1, deviceCodeTtlSeconds: 900 });

    await page.goto("/");
    await shot("01-home");
    await page.getByRole("link", { name: "Sign in with Anaplan" }).click();
    await signInWithSimulator(page, USERS.admin);
    await expect(page).toHaveURL(SIGNED_IN);
    await shot("02-landed");

    await page.goto("/teams");
    await page.getByLabel("Team name").fill(`Guided ${tag}`);
    await expect(page.getByLabel("Slug (used in links)")).toHaveValue(`guided-${tag}`);
    await page.getByRole("button", { name: "Create team" }).click();
    await expect(page).toHaveURL(new RegExp(`/teams/guided-${tag}/identities$`));
    await expect(checklist(page)).toContainText("Get started: 0 of 4 done");
    await expect(page.getByRole("link", { name: "Identities" })).toHaveAttribute("aria-current", "page");
    await shot("03-team-checklist");

    await checklist(page).getByRole("link", { name: "New identity" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("New service identity");
    await page.getByLabel("Name", { exact: true }).fill(`nightly-${tag}`);
    await page.getByRole("button", { name: "Create identity" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`nightly-${tag}`);
    await page.goto(`/teams/guided-${tag}/identities`);
    await expect(checklist(page)).toContainText("1 of 4 done");
    await checklist(page)
      .getByRole("link", { name: `Enrol nightly-${tag}` })
      .click();
    await page.getByRole("button", { name: "Enrol" }).click();
    await simulator.approve((await page.getByLabel("User code").textContent())?.trim() ?? "", "service");
    await expect(page.getByRole("heading", { name: "Enrolled: the identity is active" })).toBeVisible({
      timeout: 20_000,
    });
    await shot("04-enrolled");

    await page.goto(`/teams/guided-${tag}/identities`);
    await expect(checklist(page)).toContainText("2 of 4 done");
    await checklist(page).getByRole("link", { name: "Create a key" }).click();
    await page.getByLabel("Key name").fill("nightly-job");
    await page.getByRole("button", { name: "Create API key" }).click();
    await expect(page.getByLabel("New API key")).toContainText(/atp_/);
    await shot("05-key-created");
    const tryIt = page.getByRole("region", { name: "Try it" });
    await tryIt.getByRole("tab", { name: "curl" }).click();
    const curl = (await tryIt.getByRole("tabpanel").locator("pre").textContent()) ?? "";
    writeFileSync(path.join(work, `${tag}.sh`), curl);
    const ran = execFileSync("bash", [path.join(work, `${tag}.sh`)], {
      env: { PATH: process.env.PATH, NODE_ENV: "production" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(ran, "the shown example gets a token and calls Anaplan with it").toContain(USERS.service.email);

    await page.goto(`/teams/guided-${tag}/identities`);
    await expect(checklist(page), "a script has used it: the checklist has done its job").toHaveCount(0);
    await shot("06-dashboard-in-use");

    await page.getByRole("link", { name: "Audit" }).last().click();
    await expect(page).toHaveURL(new RegExp(`/teams/guided-${tag}/audit$`));
    const issued = page.getByRole("row").filter({ hasText: "token.issue" }).first();
    await issued.getByText("Show").click();
    await expect(issued).toContainText("keyPrefix");
    await shot("07-audit-row-open");
    // Filter by the identity's name; a filter that cannot apply says why and keeps what was typed.
    await page.getByLabel("Identity (name or id)").fill(`nightly-${tag}`);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page.getByRole("row").filter({ hasText: "identity.create" })).toHaveCount(1);
    await page.getByLabel("Identity (name or id)").fill("no-such-job");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toContainText("No identity is or was named “no-such-job”");
    await expect(page.getByLabel("Identity (name or id)")).toHaveValue("no-such-job");
    await shot("07b-audit-filter-refused");

    await page.getByRole("link", { name: "Notifications" }).click();
    await expect(page.getByText("No webhooks yet.")).toBeVisible();
    await shot("08-notifications");
    expect(errors, "console errors").toEqual([]);
  });
}
