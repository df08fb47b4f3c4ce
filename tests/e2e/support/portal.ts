// A portal server of a test's own (next start, production build) on its own embedded PostgreSQL, with its output
// captured, for tests that must look at the server's logs or start several instances.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { expect } from "@playwright/test";
import { startThrowawayPostgres } from "../../../lib/platform/db/embedded";

export const startDatabase = () => startThrowawayPostgres({ prefix: "portal-e2e-db-", database: "shared" });

export type Portal = {
  baseURL: string;
  output: () => string;
  /** Resolves with the exit code when the server process ends on its own. */
  exited: Promise<number | null>;
  stop: () => Promise<void>;
  /** Resident memory of the server's whole process group (next start and its next-server), in bytes. */
  rssBytes: () => number;
};

/** The summed VmRSS of every process whose process group is `group`, read from /proc. */
function groupRssBytes(group: number): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 5 of /proc/<pid>/stat is the process group; the command name (field 2) may hold spaces, so split after it.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) !== group) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1];
      total += Number(rss ?? 0) * 1024;
    } catch {
      // The process ended between listing and reading.
    }
  }
  return total;
}

export function startPortal(options: {
  port: number;
  databaseUrl: string;
  dataDir: string;
  env?: Record<string, string>;
}): Portal {
  let output = "";
  const child: ChildProcess = spawn("node_modules/.bin/next", ["start", "-p", String(options.port)], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      DATA_DIR: options.dataDir,
      NEXTAUTH_URL: `http://localhost:${options.port}`,
      NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
      TOKEN_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
      ANAPLAN_SIMULATOR: "1",
      SIMULATOR_PORT: "0",
      // next start on a database of its own is "production"; this rig is not (http://localhost, the simulator).
      PORTAL_TEST_RIG: "1",
      ...options.env,
    },
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    baseURL: `http://localhost:${options.port}`,
    output: () => output,
    exited,
    rssBytes: () => (child.pid ? groupRssBytes(child.pid) : 0),
    stop: async () => {
      if (child.pid && child.exitCode === null) {
        process.kill(-child.pid, "SIGTERM");
        await exited;
      }
    },
  };
}

export async function waitUntilHealthy(baseURL: string) {
  await expect
    .poll(async () => (await fetch(`${baseURL}/api/health`).catch(() => null))?.status, { timeout: 90_000 })
    .toBe(200);
}
