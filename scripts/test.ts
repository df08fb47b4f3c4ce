// `npm test`: unit + integration tests (node:test) against a throwaway embedded PostgreSQL, then the end-to-end
// tests (Playwright, Debian's Chromium) against the production build, then the production images and the compose
// shape under podman where it is installed. Prints one closing line with the totals.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, stopStalePostmaster } from "@/lib/platform/db/embedded";
import { migrate } from "@/lib/platform/db/migrate";

const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const filter = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const root = process.cwd();

/** Runs a command, echoing its output unless `quiet` (the output is returned either way). */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  quiet = false,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    for (const stream of [child.stdout, child.stderr]) {
      stream.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (!quiet) (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
      });
    }
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

async function testFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".test.ts"))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
    .sort();
}

/** Every test's duration, for the closing list of the slowest: where the suite's time goes. */
type Timed = { name: string; ms: number };
const timings: Timed[] = [];
const SLOWEST = 15;

/** node:test's JUnit report: one <testcase> per test (suites are <testsuite>, so they are not counted twice). */
async function nodeTimings(junit: string, label: string): Promise<Timed[]> {
  const xml = await readFile(junit, "utf8").catch(() => "");
  const xmlText = (text: string) =>
    text.replace(
      /&(lt|gt|quot|apos|amp);/g,
      (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e] ?? "",
    );
  return [...xml.matchAll(/<testcase name="([^"]*)" time="([\d.]+)"/g)].map((m) => ({
    name: `${label}: ${xmlText(m[1] ?? "")}`,
    ms: Number(m[2]) * 1000,
  }));
}

type ReportSuite = {
  file?: string;
  specs?: { title: string; tests: { results: { duration: number }[] }[] }[];
  suites?: ReportSuite[];
};

/** Playwright's JSON report: each test's duration summed over its results (retries included). */
function playwrightTimings(suites: ReportSuite[], target: string): Timed[] {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? []).map((spec) => ({
      name: `${target}: ${suite.file ?? ""} › ${spec.title}`,
      ms: spec.tests.flatMap((t) => t.results).reduce((n, r) => n + r.duration, 0),
    })),
    ...playwrightTimings(suite.suites ?? [], target),
  ]);
}

const counted = (output: string, word: string) =>
  [...output.matchAll(new RegExp(`^[#ℹ] ${word} (\\d+)$`, "gm"))].reduce((n, m) => n + Number(m[1]), 0);

async function nodeTests(tmp: string) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const pg = await startEmbeddedPostgres({
      dir: path.join(tmp, "pg"),
      password: randomBytes(12).toString("hex"),
      database: "portal_template",
      durable: false,
    });
    adminUrl = pg.adminUrl("postgres");
    stop = pg.stop;
  }
  const template = `portal_template`;
  try {
    const templateUrl = new URL(adminUrl);
    templateUrl.pathname = `/${template}`;
    await migrate(templateUrl.toString());
    const files = [...(await testFiles("tests/unit")), ...(await testFiles("tests/integration"))];
    // With no file named, node --test would discover files itself (this script among them) and run everything.
    if (files.length === 0) {
      process.stderr.write(`No unit or integration test file matches ${filter.join(" ")}.\n`);
      return { code: 1, passed: 0, failed: 1 };
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEST_DATABASE_URL: adminUrl,
      TEST_TEMPLATE_DATABASE: template,
      NODE_ENV: "test",
    };
    // `npm test -- --only=node audit.test --test-name-pattern="CSV"`: one test of a file.
    const patterns = process.argv.filter((a) => a.startsWith("--test-name-pattern="));
    return await nodeTestRun(
      path.join(tmp, "node-tests.xml"),
      "node",
      ["--test-concurrency=2", ...patterns, ...files],
      env,
    );
  } finally {
    await stop();
  }
}

/** One node:test run: the usual report on stdout (CI reads its closing lines), a JUnit copy for the durations. */
async function nodeTestRun(junit: string, label: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const { code, output } = await run(
    process.execPath,
    [
      "--conditions=react-server",
      "--import",
      "tsx",
      "--test",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=junit",
      `--test-reporter-destination=${junit}`,
      ...args,
    ],
    env,
  );
  timings.push(...(await nodeTimings(junit, label)));
  return {
    code,
    passed: counted(output, "pass"),
    failed: counted(output, "fail") + (code !== 0 && counted(output, "fail") === 0 ? 1 : 0),
  };
}

/** One Playwright run: against one portal, or (`cluster`) through nginx in front of `npm run start:cluster`. */
async function playwright(tmp: string, target: "portal" | "cluster") {
  const dataDir = path.join(tmp, `e2e-${target}`);
  const report = path.join(tmp, `playwright-${target}.json`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    E2E_DATA_DIR: dataDir,
    E2E_TARGET: target,
    PLAYWRIGHT_JSON_OUTPUT_NAME: report,
  };
  delete env.DATABASE_URL;
  process.stdout.write(
    `\n== browser tests against ${target === "cluster" ? "the cluster (nginx, 2 instances, a worker)" : "one portal"}\n`,
  );
  const result = await run(
    path.join(root, "node_modules/.bin/playwright"),
    // A filter may name only specs the cluster run leaves out (playwright.config.ts); the portal run still needs one.
    [
      "test",
      "--reporter=list,json",
      ...(target === "cluster" && filter.length > 0 ? ["--pass-with-no-tests"] : []),
      ...filter,
    ],
    env,
  );
  // Playwright stops the server with SIGTERM; make sure no postmaster outlives the run either way.
  await stopStalePostmaster(path.join(dataDir, "pg")).catch(() => {});
  const parsed = await readFile(report, "utf8").then(
    (t) => JSON.parse(t) as { stats?: Record<string, number>; suites?: ReportSuite[] },
    () => undefined,
  );
  const stats = parsed?.stats;
  timings.push(...playwrightTimings(parsed?.suites ?? [], target));
  return {
    code: result.code,
    passed: stats?.expected ?? 0,
    failed: (stats?.unexpected ?? 0) + (stats?.flaky ?? 0) + (result.code !== 0 && !stats?.unexpected ? 1 : 0),
  };
}

async function e2eTests(tmp: string) {
  if (!existsSync("/usr/bin/chromium")) {
    process.stderr.write("The browser tests need Debian's Chromium: sudo apt-get install -y chromium\n");
    return { code: 1, passed: 0, failed: 1 };
  }
  if (!existsSync("/usr/sbin/nginx")) {
    process.stderr.write("The cluster's browser tests need Debian's nginx: sudo apt-get install -y nginx\n");
    return { code: 1, passed: 0, failed: 1 };
  }
  const build = await run(path.join(root, "node_modules/.bin/next"), ["build"]);
  if (build.code !== 0) return { code: build.code, passed: 0, failed: 1 };
  const portal = await playwright(tmp, "portal");
  const cluster = await playwright(tmp, "cluster");
  return {
    code: portal.code || cluster.code,
    passed: portal.passed + cluster.passed,
    failed: portal.failed + cluster.failed,
  };
}

const CONTAINER_TOOLS = ["/usr/bin/podman", "/usr/sbin/runc", "/usr/sbin/debootstrap"];
const containersWanted = (!only || only === "containers") && CONTAINER_TOOLS.every((p) => existsSync(p));
/**
 * The stand-in base images take a minute or two of downloads (debootstrap, apt inside containers) and little CPU:
 * made while the other suites run, quietly, so the container check itself only builds and runs.
 */
const baseImages = containersWanted ? run("bash", ["scripts/containers/base-images.sh"], process.env, true) : undefined;

/** The images built and the compose shape run under podman (tests/containers), on a machine that has podman. */
async function containerTests(tmp: string) {
  const missing = CONTAINER_TOOLS.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    process.stdout.write(
      `\n== container check not run: ${missing.join(", ")} missing (sudo apt-get install -y podman runc debootstrap)\n`,
    );
    return { code: 0, passed: 0, failed: 0 };
  }
  process.stdout.write("\n== the images and the compose shape under podman\n");
  const base = await baseImages;
  if (base && base.code !== 0) {
    process.stderr.write(`The stand-in base images could not be made:\n${base.output}\n`);
    return { code: base.code, passed: 0, failed: 1 };
  }
  return nodeTestRun(path.join(tmp, "container-tests.xml"), "containers", ["tests/containers/compose.test.ts"]);
}

const tmp = await mkdtemp(path.join(os.tmpdir(), "portal-test-"));
await chmod(tmp, 0o755); // the embedded server runs as the postgres user when we are root
let passed = 0;
let failed = 0;
let code = 0;
try {
  for (const [name, suite] of [
    ["node", nodeTests],
    ["e2e", e2eTests],
    ["containers", containerTests],
  ] as const) {
    if (only && only !== name) continue;
    const r = await suite(tmp);
    passed += r.passed;
    failed += r.failed;
    if (r.code !== 0) code = r.code;
  }
} finally {
  // A postmaster may still be finishing its shutdown checkpoint: retry rather than fail the run.
  await rm(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
}
const slowest = timings.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST);
if (slowest.length > 0) {
  process.stdout.write(`\nthe ${slowest.length} slowest tests:\n`);
  for (const t of slowest) process.stdout.write(`${(t.ms / 1000).toFixed(1).padStart(7)} s  ${t.name.slice(0, 140)}\n`);
}
process.stdout.write(`\ntotal: ${passed} passed, ${failed} failed\n`);
process.exit(code !== 0 || failed > 0 ? 1 : 0);
