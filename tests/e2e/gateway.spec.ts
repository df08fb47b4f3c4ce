// The least-privilege gateway in Chromium: an admin restricts a new key to one export of one model (chosen from the
// lists the portal reads with the identity's token); the page's own curl example runs as shown, and a script (curl)
// runs that export through the gateway and downloads its file; every other call is refused naming its rule, and
// the key gets no token from the broker; the key list says so, and the activity page and its CSV list each call.
import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { simulatorOperator } from "../../simulator/operator-client";
import { adminWithTeam, createApiKey, enrolNewIdentity } from "./support/flows";
import { snippet } from "./support/snippets";
import { expect, test } from "./support/test";

const run = promisify(execFile);
const simulator = simulatorOperator("http://127.0.0.1:3199");
const WS = "8a868cda7d5f4e6a017d6b1c2a3b0001";
const BUDGET = "75A40874E6B64FA3AE0743278996850F";
const FORECAST = "75A40874E6B64FA3AE07432789968510";

/** What the nightly job's script does, in bash and curl: run the export, wait for its task, download its file. */
const NIGHTLY_JOB = `
set -euo pipefail
model="$GATEWAY/2/0/workspaces/${WS}/models/${BUDGET}"
auth="Authorization: Bearer $KEY"
task=$(curl -sf -X POST -H "$auth" -H 'Content-Type: application/json' -d '{"localeName":"en_US"}' \\
  "$model/exports/116000000001/tasks" | sed -E 's/.*"taskId":"([^"]+)".*/\\1/')
curl -sf -H "$auth" "$model/exports/116000000001/tasks/$task" | grep -q '"taskState":"COMPLETE"'
curl -sf -H "$auth" "$model/files/116000000001"
`;

test("a key restricted to one export runs it through the gateway; other calls are refused by rule and recorded", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await simulator.setDefaults({ deviceInterval: 1 });
  await adminWithTeam(page, { name: "Ledger", slug: "ledger" });
  await enrolNewIdentity(page, simulator, "ledger", "nightly-ledger");
  const key = await createApiKey(page, "ledger job");
  const portal = new URL(page.url()).origin;

  await page.getByRole("link", { name: "Restrict… of key ledger job" }).click();
  await expect(page.getByRole("heading", { name: /Limits of key “ledger job”/ })).toBeVisible();
  await page.getByRole("listitem").filter({ hasText: "Budget 2027" }).getByRole("link").click();
  const objects = page.getByRole("group", { name: "What “Budget 2027” may run" });
  await expect(objects).toContainText("Nightly ledger.csv");
  await page.getByLabel("Restrict this key to the gateway").check();
  await page.getByLabel("Budget 2027", { exact: true }).check();
  // Earlier runs of that export may have written its file (same id, same name): the export is the one to tick.
  await objects
    .getByRole("group", { name: "Exports" })
    .getByLabel(/Nightly ledger\.csv/)
    .check();
  await page.getByRole("button", { name: "Save the limits" }).click();
  await expect(page.getByRole("status")).toContainText("works only through the gateway");
  await sleep(1100); // a limit reaches the gateway within a second

  // The page's own curl example, run as shown: the model's exports, through the gateway.
  const shown = await snippet(page, "Call Anaplan through the gateway", "curl");
  const listed = await run("bash", ["-c", shown], { env: { ...process.env, ANAPLAN_PORTAL_KEY: key } });
  expect(JSON.parse(listed.stdout).exports.map((e: { id: string }) => e.id)).toContain("116000000001");

  const env = { ...process.env, GATEWAY: `${portal}/api/v1/anaplan`, KEY: key };
  const { stdout } = await run("bash", ["-c", NIGHTLY_JOB], { env, timeout: 30_000 });
  expect(stdout).toMatch(/^Account,Period,Value\nA1000,FY27,125\n/);

  const refused = async (method: string, path: string) => {
    const answer = await page.request.fetch(`${portal}/api/v1/anaplan/${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      data: method === "GET" ? undefined : "{}",
    });
    expect(answer.status()).toBe(403);
    return (await answer.json()) as { error: string; rule: string; message: string };
  };
  const model = `2/0/workspaces/${WS}/models/${BUDGET}`;
  expect(await refused("POST", `${model}/exports/116000000000/tasks`)).toMatchObject({
    error: "outside_policy",
    rule: "object",
  });
  expect((await refused("PUT", `${model}/files/113000000000/chunks/0`)).rule).toBe("object");
  expect((await refused("GET", `2/0/workspaces/${WS}/models/${FORECAST}/files`)).rule).toBe("model");
  const token = await page.request.post(`${portal}/api/v1/token`, { headers: { Authorization: `Bearer ${key}` } });
  expect(token.status()).toBe(403);
  expect((await token.json()).error).toBe("key_restricted");

  await page.goto("/teams/ledger/identities");
  await page.getByRole("link", { name: "nightly-ledger", exact: true }).first().click();
  const row = page.getByRole("row", { name: "API key ledger job" });
  await expect(row).toContainText("gateway only");
  await expect(row).toContainText(`models ${BUDGET}; objects 116000000001`);

  await page.getByRole("link", { name: "Gateway activity" }).click();
  await expect(page.getByRole("heading", { name: "Gateway activity" })).toBeVisible();
  const table = page.getByRole("table");
  await expect(async () => {
    await page.reload();
    await expect(table.getByRole("row")).toHaveCount(7 + 1);
  }).toPass({ timeout: 10_000 });
  const template = "2/0/workspaces/{workspaceId}/models/{modelId}/exports/{exportId}/tasks";
  await expect(table.locator(`code[title="${template}"]`)).toHaveCount(2);
  await expect(table.getByText("403 outside_policy")).toHaveCount(3);
  await expect(table.getByText("200", { exact: true })).toHaveCount(4);
  await page.getByLabel("Outcome (refused: by the portal)").selectOption("refused");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(table.getByRole("row")).toHaveCount(3 + 1);
  const csvHref = (await page.getByRole("link", { name: "Export CSV" }).getAttribute("href")) ?? "";
  const csv = await (await page.request.get(csvHref)).text();
  expect(csv.trim().split("\n")).toHaveLength(1 + 3);
  expect(csv).toContain("PUT,2/0/workspaces/{workspaceId}/models/{modelId}/files/{fileId}/chunks/{chunkId}");
});
