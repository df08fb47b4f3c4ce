// Keyless access in Chromium: an admin trusts a GitHub Actions workflow on an identity (with the JWKS pasted, as
// for an issuer the portal cannot reach), a weak policy is refused with a sentence, the page's GitHub Actions step
// runs as shown against a stand-in for the Actions token service minting a GitHub-shaped token, and the audit
// page says which job took the token.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { simulatorOperator } from "../../simulator/operator-client";
import { actionsTokenService, trustGithubWorkflow } from "./support/actions-token";
import { adminWithTeam, enrolNewIdentity } from "./support/flows";
import { snippet } from "./support/snippets";
import { expect, test } from "./support/test";

const run = promisify(execFile);
const simulator = simulatorOperator("http://127.0.0.1:3199");

test("an admin trusts a GitHub workflow; its step, as shown, gets a token with no stored secret; the audit names the job", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const service = await actionsTokenService();
  await simulator.setDefaults({ deviceInterval: 1 });
  await adminWithTeam(page, { name: "Keyless", slug: "keyless" });
  await enrolNewIdentity(page, simulator, "keyless", "nightly");
  await page.goto("/teams/keyless/identities");
  await page.getByRole("link", { name: "nightly", exact: true }).first().click();

  const section = page.getByRole("region", { name: "Trusted workloads (keyless)" });
  await expect(section.getByText("No workload is trusted yet.")).toBeVisible();
  await section.getByLabel("Name", { exact: true }).fill("acme etl on main");
  await section.getByLabel(/^Conditions/).fill("sub=*");
  await section.getByRole("button", { name: "Trust this workload" }).click();
  await expect(section.locator("#workload-conditions-error")).toContainText("matches everything");
  await trustGithubWorkflow(page, service.jwks);

  const step = await snippet(page, "Use it from a job (no stored secret)", "GitHub Actions");
  const script = step
    .slice(step.indexOf("run: |") + "run: |".length)
    .split("\n")
    .map((line) => line.replace(/^ {6}/, ""))
    .join("\n");
  try {
    const { stdout } = await run("bash", ["-c", script], {
      env: {
        ...process.env,
        ...service.env,
      },
      timeout: 60_000,
    });
    expect(stdout).toContain("service@simulator.example");
  } finally {
    await service.close();
  }

  await page.reload();
  await expect(section.getByText(/Last used: .*(now|second)/)).toBeVisible();
  await page.goto("/teams/keyless/audit");
  const table = page.getByRole("table");
  await expect(table.getByRole("cell", { name: "token.exchange", exact: true }).first()).toBeVisible();
  await expect(table).toContainText("4242424242");
  await expect(table).toContainText("acme/etl");

  // The workload restricted to the gateway, read-only: its list entry says so, and the exchange now hands out a
  // token good only there (lib and integration tests cover what the gateway then does with it).
  await page.goto("/teams/keyless/identities");
  await page.getByRole("link", { name: "nightly", exact: true }).first().click();
  await section.getByRole("link", { name: "Restrict… of workload acme etl on main" }).click();
  await expect(page.getByRole("heading", { name: /Limits of trusted workload “acme etl on main”/ })).toBeVisible();
  await page.getByLabel("Restrict this workload to the gateway").check();
  await page.getByLabel("Read-only: GET and HEAD calls only").check();
  await page.getByRole("button", { name: "Save the limits" }).click();
  await expect(page.getByRole("status")).toContainText("works only through the gateway");
  await page.getByRole("link", { name: "nightly" }).first().click();
  await expect(section).toContainText("gateway only");
  await expect(section).toContainText("read-only");
});
