// `npm run portal`: install, build and start, doing each step only when needed, so a second run with nothing
// changed starts in seconds. Plain Node (no dependencies): it runs before anything is installed.
// - install (npm ci) when node_modules is missing or package-lock.json changed since the last install;
// - build (next build) when any source file is newer than the last build, or the install ran;
// - then `next start` (unless --prepare-only), with Ctrl-C passed through so the embedded PostgreSQL stops cleanly.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

// Next.js's anonymous telemetry stays off unless someone turns it on (NEXT_TELEMETRY_DISABLED=0).
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

const INSTALLED = "node_modules/.portal-installed";
const BUILT = ".next/.portal-built";
const SOURCES = ["app", "components", "lib", "prisma", "public", "proxy.ts", "instrumentation.ts", "next.config.ts"];
const IGNORED = new Set(["generated", "node_modules", ".next"]);

const lockHash = () => createHash("sha256").update(readFileSync("package-lock.json")).digest("hex");
const read = (file) => (existsSync(file) ? readFileSync(file, "utf8").trim() : "");

function newestSource(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(entry)) {
    if (!IGNORED.has(name)) newest = Math.max(newest, newestSource(path.join(entry, name)));
  }
  return newest;
}

function run(command, args) {
  console.info(`\n> ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

let installed = false;
if (!existsSync("node_modules") || read(INSTALLED) !== lockHash()) {
  run("npm", ["ci", "--strict-allow-scripts"]);
  writeFileSync(INSTALLED, lockHash());
  installed = true;
} else {
  console.info("Dependencies are up to date (package-lock.json unchanged): skipping npm ci.");
}
const sourcesAt = Math.max(...SOURCES.map(newestSource), statSync("package-lock.json").mtimeMs);
const builtAt = Number(read(BUILT) || 0);
if (installed || !existsSync(".next/BUILD_ID") || sourcesAt > builtAt) {
  run("npm", ["run", "build"]);
  // The sources' time as read before the build: a file saved while it ran still counts as newer next time.
  writeFileSync(BUILT, String(sourcesAt));
} else {
  console.info("The build is up to date (no source changed since it was made): skipping next build.");
}
// `--prepare-only`: install and build, then leave the starting to the caller (`npm run start:cluster`).
if (process.argv.includes("--prepare-only")) process.exit(0);
// Loopback unless HOST says otherwise: a development portal (and its simulator's demo accounts) stays on this computer.
const args = process.argv.slice(2);
const hostArgs = args.some((a) => a === "-H" || a.startsWith("--hostname"))
  ? []
  : ["-H", process.env.HOST || "127.0.0.1"];
const server = spawn("node_modules/.bin/next", ["start", ...hostArgs, ...args], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
