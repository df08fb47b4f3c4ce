// A team admin enrols an identity, creates an API key, and the snippets the page shows are run as scripts would run
// them: each gets a token from the portal and calls the simulator's /2/0/users/me. Then deactivate (refused),
// reactivate (works), revoke (refused for good), and every step is on the audit page and in its CSV export.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { USERS } from "../../simulator/accounts";
import { simulatorOperator } from "../../simulator/operator-client";
import { adminWithTeam, enrolNewIdentity } from "./support/flows";
import { snippet } from "./support/snippets";
import { expect, test } from "./support/test";

const simulator = simulatorOperator("http://127.0.0.1:3199");
const work = mkdtempSync(path.join(os.tmpdir(), "snippets-"));

/** Runs a snippet the way its user would; returns stdout, or throws with the exit status. */
function run(language: "bash" | "node" | "python", code: string, key: string) {
  const file = path.join(work, { bash: "s.sh", node: "s.mjs", python: "s.py" }[language]);
  writeFileSync(file, code);
  const command = { bash: "bash", node: process.execPath, python: "/usr/bin/python3" }[language];
  return execFileSync(command, [file], {
    env: { PATH: process.env.PATH, NODE_ENV: "production", ANAPLAN_PORTAL_KEY: key },
    encoding: "utf8",
    timeout: 30_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs a snippet that must fail: its exit status and what it printed on stderr. */
function runRefused(language: "bash" | "node" | "python", code: string, key: string) {
  try {
    run(language, code, key);
  } catch (error) {
    const failed = error as { status: number | null; stderr: string };
    return { status: failed.status, stderr: failed.stderr };
  }
  throw new Error(`the ${language} snippet succeeded with a refused key`);
}

const askBroker = async (baseURL: string, key: string) => {
  const response = await fetch(`${baseURL}/api/v1/token`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}` },
  });
  return { status: response.status, body: (await response.json()) as { error?: string; access_token?: string } };
};

test("an API key's snippets get tokens; deactivate, reactivate and revoke bite; all of it is audited", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(150_000);
  await simulator.setDefaults({ deviceInterval: 1, deviceCodeTtlSeconds: 900 });
  await adminWithTeam(page, { name: "Scripts", slug: "scripts" });
  await enrolNewIdentity(page, simulator, "scripts", "etl-broker");
  await expect(page.getByRole("heading", { name: "Next: give a script a key" })).toBeVisible();
  expect(await snippet(page, "Use it from a script", "curl")).toContain(`${baseURL}/api/v1/token`);
  await page.getByRole("link", { name: "Create an API key" }).click();

  await page.getByLabel("Key name").fill("ci-runner");
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = (await page.getByLabel("New API key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^atp_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
  await expect(page.getByRole("button", { name: "Copy key" })).toBeVisible();
  await page.screenshot({ path: "test-results/api-key-created.png", fullPage: true });

  const curl = await snippet(page, "Try it", "curl");
  expect(curl).toContain(`export ANAPLAN_PORTAL_KEY='${key}'`);
  expect(run("bash", curl, "")).toContain(USERS.service.email);
  const node = await snippet(page, "Try it", "Node.js (fetch)");
  expect(JSON.parse(run("node", node, key)).user.email).toBe(USERS.service.email);
  const python = await snippet(page, "Try it", "Python (requests)");
  expect(run("python", python, key)).toContain(USERS.service.email);
  const sdk = await snippet(page, "Try it", "anaplan-sdk (httpx.Auth)");
  expect(run("python", sdk, key)).toContain(USERS.service.email);

  // After a reload the key is gone from the page for good; only its prefix is listed.
  await page.reload();
  await expect(page.getByLabel("New API key")).toHaveCount(0);
  await expect(page.getByRole("row", { name: "API key ci-runner" })).toContainText(`${key.slice(0, 16)}_…`);
  const expires = await page
    .getByRole("row", { name: "API key ci-runner" })
    .locator('td[data-label="Expires"] time')
    .getAttribute("datetime");
  const days = (Date.parse(expires ?? "") - Date.now()) / 86_400_000;
  expect(days, "keys expire in 90 days by default").toBeGreaterThan(89.9);
  expect(days).toBeLessThan(90.1);
  // A key that ends on a chosen day is warned about, like an identity's chain, inside the warning window.
  await page.getByLabel("Key name").fill("until-tomorrow");
  await page.getByLabel("Expires").selectOption("date");
  await page
    .getByLabel("Expiry day (with “On a day…”)")
    .fill(new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
  await page.getByRole("button", { name: "Create API key" }).click();
  await expect(page.getByLabel("New API key")).toContainText(/atp_/);
  await page.reload();
  // It ends with tomorrow (UTC): one to two days from now, inside the 3-day threshold at the latest.
  await expect(page.getByRole("row", { name: "API key until-tomorrow" })).toContainText(/within (1 day|3 days)/);
  expect(await page.content()).not.toContain(key);

  await page.getByRole("button", { name: "Deactivate…" }).click();
  await expect(page.getByRole("form", { name: "Deactivate…" })).toContainText("reversible pause");
  await page.getByRole("button", { name: "Deactivate", exact: true }).click();
  await expect(page.getByText("deactivated", { exact: true })).toBeVisible();
  await expect(page.getByRole("row", { name: "API key ci-runner" })).toContainText("refused while deactivated");
  // Every snippet prints the portal's own message and stops before calling Anaplan with no token.
  const usersMeBefore = (await simulator.counters()).usersMe;
  for (const [language, code] of [
    ["bash", curl],
    ["node", node],
    ["python", python],
    ["python", sdk],
  ] as const) {
    const refused = runRefused(language, code, key);
    expect(refused.status, language).not.toBe(0);
    expect(refused.stderr, language).toContain("is deactivated. A team admin can reactivate it in the portal.");
  }
  expect((await simulator.counters()).usersMe, "no call to Anaplan with an empty token").toBe(usersMeBefore);
  expect((await askBroker(baseURL ?? "", key)).body.error).toBe("identity_deactivated");

  await page.getByRole("button", { name: "Reactivate" }).click();
  await expect(page.getByText("active", { exact: true })).toBeVisible();
  expect(run("bash", curl, "")).toContain(USERS.service.email);

  const logoutsBefore = (await simulator.counters()).logout;
  await page.getByRole("button", { name: "Revoke tokens…" }).click();
  await expect(page.getByRole("form", { name: "Revoke tokens…" })).toContainText("destroyed");
  await page.getByRole("button", { name: "Revoke tokens for good" }).click();
  const outcome = page.getByRole("status").filter({ hasText: "revoked" });
  await expect(outcome).toContainText("API keys revoked: 2.");
  await expect(outcome).toContainText("Access-token logout at Anaplan: done.");
  await expect(
    page.getByRole("heading", { level: 1 }).locator("..").getByText("revoked", { exact: true }),
  ).toBeVisible();
  expect((await simulator.counters()).logout).toBe(logoutsBefore + 1);
  await page.reload();
  await expect(page.getByRole("button", { name: "Revoke tokens…" }), "nothing is left to revoke").toHaveCount(0);
  const refused = await askBroker(baseURL ?? "", key);
  expect(refused.status).toBe(401);
  expect(refused.body.error).toBe("invalid_key");
  await page.screenshot({ path: "test-results/identity-revoked.png", fullPage: true });

  await page.goto("/teams/scripts/audit");
  const table = page.getByRole("table");
  const actions = ["key.create", "token.issue", "identity.deactivate", "identity.reactivate", "identity.revoke"];
  for (const action of actions)
    await expect(table.getByRole("cell", { name: action, exact: true }).first()).toBeVisible();
  await page.screenshot({ path: "test-results/audit.png", fullPage: true });
  const rows = await table.locator("tbody tr").count();
  const csvHref = (await page.getByRole("link", { name: "Export CSV" }).getAttribute("href")) ?? "";
  const csv = await (await page.request.get(csvHref)).text();
  const lines = csv.trim().split("\r\n");
  expect(lines.length - 1).toBe(rows);
  for (const action of actions) expect(csv).toContain(`,${action},`);
  expect(csv).not.toContain(key.split("_")[2] ?? "no key");

  await page.getByLabel(/^Action/).fill("token.issue");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=token.issue/);
  // The filtered page may still be loading when the URL changes: wait for its rows before counting.
  await expect(page.getByRole("table").getByRole("cell", { name: "token.issue", exact: true }).first()).toBeVisible();
  const issued = await page.getByRole("table").locator("tbody tr").count();
  expect(issued).toBeGreaterThan(0);
  await expect(page.getByRole("table").getByRole("cell", { name: "identity.revoke", exact: true })).toHaveCount(0);
});
