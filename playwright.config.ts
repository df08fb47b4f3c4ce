import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const port = 3100;
const dataDir = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `portal-e2e-${process.pid}`);
/**
 * E2E_TARGET=cluster: the same suite through nginx in front of `npm run start:cluster` (2 instances and a worker),
 * plus cluster-failover.spec.ts, which kills an instance mid-suite. Specs that start portals of their own, and the
 * page-by-page walks, are left out there: they would only run again unchanged.
 */
const cluster = process.env.E2E_TARGET === "cluster";
const ownRigs = [
  "actions-authz",
  "broker-instances",
  "db-restart",
  "floods",
  "instances",
  "no-token-leaks",
  "session-end",
  "worker-process",
  // The client packages are plain HTTP clients of the portal: what nginx and two instances change is covered above.
  "clients",
  // Page-by-page walks at two widths (screenshots, sorting and paging, the guided hour): what they check is how
  // pages render, which nginx and a second instance do not change; every flow they pass through runs in a spec here.
  "first-hour",
  "guided-path",
].map((name) => `**/${name}.spec.ts`);

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  forbidOnly: true,
  testIgnore: cluster ? ownRigs : ["**/cluster-failover.spec.ts"],
  use: {
    baseURL: `http://localhost:${port}`,
    // Recording a trace for every test (to keep a failing one's) cost 12% of the suite's time; a failure still
    // keeps its screenshot and the page's snapshot (error-context.md). `--trace on` records them when wanted.
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    // Started directly (not through npx) so that stopping it stops the server(s) and PostgreSQL.
    command: cluster
      ? "node --conditions=react-server --import tsx scripts/cluster.ts"
      : `node_modules/.bin/next start -p ${port}`,
    url: `http://localhost:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      SIMULATOR_PORT: "3199",
      NEXTAUTH_URL: `http://localhost:${port}`,
      ADMIN_EMAILS: "admin@simulator.example",
      CLUSTER_INSTANCES: "2",
    },
    stdout: "pipe",
    stderr: "pipe",
  },
});
