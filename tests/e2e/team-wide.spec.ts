// The team-wide incident buttons are reversible and precise: "Deactivate all" has a matching "Reactivate all", both
// are confirmed by typing the team's slug (the button stays disabled until it matches; what was typed stays), and
// neither touches an identity that holds no token. Deleting one says so on the dashboard it lands on.
import { simulatorOperator } from "../../simulator/operator-client";
import { adminWithTeam, enrolNewIdentity } from "./support/flows";
import { expect, test } from "./support/test";

const operator = simulatorOperator("http://127.0.0.1:3199");

test("deactivate all, then reactivate all, each confirmed by the slug; an identity without a token is left alone", async ({
  page,
}) => {
  await adminWithTeam(page, { name: "Incident", slug: "incident" });
  await enrolNewIdentity(page, operator, "incident", "kept-alive");
  await page.goto("/teams/incident/identities/new");
  await page.getByLabel("Name").fill("never-enrolled");
  await page.getByRole("button", { name: "Create identity" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("never-enrolled");
  await page.goto("/teams/incident/identities");

  for (const [open, confirm, done] of [
    ["Deactivate all…", "Deactivate all identities", "Deactivated 1 identity."],
    ["Reactivate all…", "Reactivate all identities", "Reactivated 1 identity."],
  ] as const) {
    await page.getByRole("button", { name: open }).click();
    const form = page.getByRole("form", { name: open });
    const button = form.getByRole("button", { name: confirm });
    await expect(button).toBeDisabled();
    await form.getByLabel("Type incident to confirm").fill("incidnet");
    await expect(button).toBeDisabled();
    await expect(form.getByLabel("Type incident to confirm")).toHaveValue("incidnet");
    await form.getByLabel("Type incident to confirm").fill("incident");
    await expect(button).toBeEnabled();
    if (open === "Deactivate all…")
      await page.screenshot({ path: "test-results/screenshots/team-wide-confirm-desk.png" });
    await button.click();
    await expect(page.getByRole("main").getByText(done)).toBeVisible();
  }
  await expect(page.getByRole("row", { name: /kept-alive/ }).getByText("active", { exact: true })).toBeVisible();
  await expect(
    page.getByRole("row", { name: /never-enrolled/ }).getByText("not enrolled", { exact: true }),
  ).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/team-wide-reactivated-desk.png", fullPage: true });

  // Deleting the identity that never held a token lands on the dashboard, which says it was done.
  await page.getByRole("link", { name: "never-enrolled", exact: true }).first().click();
  await page.getByRole("button", { name: "Delete identity…" }).click();
  await page.getByRole("button", { name: "Delete identity", exact: true }).click();
  await expect(page).toHaveURL(/\/teams\/incident\/identities\?deleted=1$/);
  await expect(page.getByRole("main").getByRole("status")).toContainText("The identity was deleted.");
  await expect(page.getByRole("row", { name: /never-enrolled/ })).toHaveCount(0);
});
