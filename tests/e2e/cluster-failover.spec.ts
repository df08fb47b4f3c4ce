// Runs only in the cluster run (E2E_TARGET=cluster, see playwright.config.ts), between the other specs: an app
// instance is killed with SIGKILL while an admin works in the browser and a script calls the broker. The browser
// sees no failure, the script at most one retry per call, and the cluster starts the instance again.
import { readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { simulatorOperator } from "../../simulator/operator-client";
import { adminWithTeam, createApiKey, enrolNewIdentity } from "./support/flows";
import { expect, test } from "./support/test";

type ClusterState = { instances: { name: string; port: number; pid: number; restarts: number }[] };
const clusterState = (): ClusterState =>
  JSON.parse(readFileSync(path.join(process.env.E2E_DATA_DIR ?? "", "cluster", "state.json"), "utf8"));

test("an instance killed mid-suite: no failure in the browser, at most one retry for a script, and it comes back", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const operator = simulatorOperator("http://127.0.0.1:3199");
  const failures: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 500) failures.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on("requestfailed", (r) => {
    // A navigation that replaces a pending prefetch aborts it; that is the browser's choice, not a failure.
    if (r.failure()?.errorText !== "net::ERR_ABORTED") failures.push(`${r.failure()?.errorText} ${r.url()}`);
  });

  await adminWithTeam(page, { name: "Failover", slug: "failover" });
  await enrolNewIdentity(page, operator, "failover", "before-kill");
  const key = await createApiKey(page, "etl");

  // A script calling all along (within the key's 60 a minute), retrying a failed call once.
  let running = true;
  const calls: { retries: number; status: number }[] = [];
  const script = (async () => {
    while (running) {
      let outcome = { retries: 0, status: 0 };
      for (let attempt = 0; attempt < 2 && outcome.status !== 200; attempt++) {
        const response = await fetch(`${baseURL}/api/v1/token`, {
          method: "POST",
          headers: { Authorization: `Bearer ${key}` },
        }).catch(() => null);
        outcome = { retries: attempt, status: response?.status ?? 0 };
      }
      calls.push(outcome);
      await sleep(1500);
    }
  })();

  const [victim] = clusterState().instances;
  if (!victim) throw new Error("the cluster's state.json lists no instance");
  await sleep(1000);
  process.kill(victim.pid, "SIGKILL");

  // The admin carries on: pages, server actions, an enrolment polled to the end.
  await enrolNewIdentity(page, operator, "failover", "after-kill");
  await page.goto("/teams/failover");
  await expect(page.getByRole("link", { name: "after-kill" })).toBeVisible();
  await page.goto("/teams/failover/audit");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  // The cluster starts the killed instance again, and it serves.
  await expect
    .poll(() => clusterState().instances[0]?.restarts, { timeout: 60_000, message: "the killed instance restarted" })
    .toBeGreaterThan(victim.restarts);
  await expect
    .poll(async () => (await fetch(`http://127.0.0.1:${victim.port}/api/health`).catch(() => null))?.status, {
      timeout: 60_000,
    })
    .toBe(200);
  for (let i = 0; i < 4; i++) {
    await page.goto("/teams/failover");
    await expect(page.getByRole("link", { name: "before-kill" })).toBeVisible();
  }

  // The script keeps calling across the kill and the restart: at least a few calls after both, however fast they were.
  const afterRestart = calls.length;
  await expect.poll(() => calls.length, { timeout: 30_000 }).toBeGreaterThan(Math.max(5, afterRestart + 2));
  running = false;
  await script;
  expect(failures, "failures seen by the browser").toEqual([]);
  expect(
    calls.filter((c) => c.status !== 200),
    "script calls that failed even after a retry",
  ).toEqual([]);
});
