import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const port = 3100;
const dataDir = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `portal-e2e-${process.pid}`);

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  forbidOnly: true,
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
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
    // next-server started directly (not through npx) so that stopping it stops the server and its PostgreSQL.
    command: `node_modules/.bin/next start -p ${port}`,
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
    },
    stdout: "pipe",
    stderr: "pipe",
  },
});
