// `npm run start:cluster`: the production shape on one machine, from standard parts. CLUSTER_INSTANCES (2 unless
// set) `next start` instances with PORTAL_WORKER=0, one `npm run worker` process, and Debian's nginx in front on
// PORT, all on one PostgreSQL (DATABASE_URL, or the embedded one in <DATA_DIR>/pg) and, with no Anaplan configured,
// one simulator shared by all. An instance or worker that exits is started again, as a process manager would.
// <DATA_DIR>/cluster/state.json says which process is where (tests kill instances by it).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@/lib/platform/db/embedded";
import { migrate } from "@/lib/platform/db/migrate";
import { loadOrCreateDevSecrets } from "@/lib/platform/dev-secrets";
import { env } from "@/lib/platform/env";
import { resolveDatabase } from "@/lib/server/boot";

const fail = (error: unknown): never => {
  console.error(`\nThe cluster cannot start.\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
};
const settings = (() => {
  try {
    return env();
  } catch (error) {
    return fail(error);
  }
})();
const count = settings.CLUSTER_INSTANCES;
const nginx = settings.NGINX_BIN;
if (spawnSync(nginx, ["-v"]).status !== 0) {
  fail(new Error(`nginx was not found at ${nginx}: install Debian's package (sudo apt-get install -y nginx)`));
}
const dir = path.resolve(settings.DATA_DIR, "cluster");
const publicUrl = settings.NEXTAUTH_URL ?? `http://localhost:${settings.PORT}`;
const stoppers: (() => Promise<unknown>)[] = [];
let stopping = false;

type Supervised = { name: string; port?: number; pid?: number; restarts: number };
const state = { url: publicUrl, instances: [] as Supervised[], worker: { name: "worker", restarts: 0 } as Supervised };
// One write at a time, each replacing the file whole, so a reader never sees a half-written one.
let saved = Promise.resolve();
const saveState = () => {
  const file = path.join(dir, "state.json");
  saved = saved
    .then(() => writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`))
    .then(() => rename(`${file}.tmp`, file));
  return saved;
};

/** Runs `args` as `entry`, and again a second after it exits, until the cluster stops. */
function supervise(entry: Supervised, command: string, args: string[], childEnv: NodeJS.ProcessEnv) {
  let child: ChildProcess;
  const start = () => {
    child = spawn(command, args, { env: childEnv, stdio: ["ignore", "inherit", "inherit"] });
    entry.pid = child.pid;
    void saveState();
    child.once("exit", (code, signal) => {
      if (stopping) return;
      entry.restarts++;
      console.warn(`cluster: ${entry.name} exited (${signal ?? `code ${code}`}); starting it again`);
      setTimeout(() => stopping || start(), 1000);
    });
  };
  start();
  stoppers.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  });
}

async function healthy(url: string) {
  for (let i = 0; i < 600; i++) {
    if ((await fetch(url).catch(() => null))?.ok) return;
    await sleep(200);
  }
  throw new Error(`${url} did not become healthy in 2 minutes`);
}

/** Whether this machine has an IPv6 loopback, so nginx can answer "localhost" however it resolves. */
const hasIpv6Loopback = () =>
  new Promise<boolean>((resolve) => {
    const probe = net.createServer().once("error", () => resolve(false));
    probe.listen(0, "::1", () => probe.close(() => resolve(true)));
  });

async function writeNginxConfig(ports: number[]) {
  await mkdir(path.join(dir, "tmp"), { recursive: true });
  const template = await readFile(path.join(import.meta.dirname, "cluster", "nginx.local.conf"), "utf8");
  const listen = [`        listen 127.0.0.1:${settings.PORT};`];
  if (await hasIpv6Loopback()) listen.push(`        listen [::1]:${settings.PORT};`);
  const config = template
    .replaceAll("{{DIR}}", dir)
    .replace("{{SERVERS}}", ports.map((p) => `        server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join("\n"))
    .replace("{{LISTEN}}", listen.join("\n"));
  await writeFile(path.join(dir, "nginx.conf"), config);
}

async function main() {
  await mkdir(dir, { recursive: true });
  const secrets = settings.isProduction ? undefined : await loadOrCreateDevSecrets(settings.DATA_DIR);
  const database = await resolveDatabase(settings, secrets);
  stoppers.push(database.stop);
  // Once, here, rather than racing in every instance.
  await migrate(database.url);

  let anaplan: Record<string, string> = {};
  if (settings.useSimulator && !settings.sharedSimulator) {
    const { simulatorSettings, startSimulator } = await import("@/simulator");
    const simulator = await startSimulator({
      port: settings.SIMULATOR_PORT,
      host: settings.SIMULATOR_HOST,
      operatorToken: settings.SIMULATOR_OPERATOR_TOKEN,
      redirectUris: [`${publicUrl}/api/auth/callback/anaplan`],
    });
    stoppers.push(simulator.close);
    anaplan = simulatorSettings(simulator);
  }
  // Every instance and the worker share the database, the Anaplan settings and, above all, the secrets.
  const shared: NodeJS.ProcessEnv = {
    ...process.env,
    ...anaplan,
    DATABASE_URL: database.url,
    ...(database.embedded ? { PORTAL_EMBEDDED_DATABASE: "1" } : {}),
    NEXTAUTH_URL: publicUrl,
    NEXTAUTH_SECRET: settings.NEXTAUTH_SECRET ?? secrets?.nextauthSecret ?? "",
    TOKEN_ENCRYPTION_KEYS: settings.TOKEN_ENCRYPTION_KEYS ?? secrets?.tokenEncryptionKeys ?? "",
    MIGRATE_ON_START: "0",
  };

  const ports: number[] = [];
  for (let i = 1; i <= count; i++) {
    const port = await freePort();
    ports.push(port);
    const entry: Supervised = { name: `instance ${i}`, port, restarts: 0 };
    state.instances.push(entry);
    supervise(entry, "node_modules/.bin/next", ["start", "-p", String(port)], {
      ...shared,
      PORT: String(port),
      PORTAL_WORKER: "0",
      // nginx appends the client's address to X-Forwarded-For; that one hop is trusted.
      TRUSTED_PROXY_HOPS: "1",
    });
  }
  supervise(state.worker, "node", ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], shared);
  for (const port of ports) await healthy(`http://127.0.0.1:${port}/api/health/live`);

  await writeNginxConfig(ports);
  // In the foreground (daemon off), so that it is this process's child and ends with it.
  const proxy = spawn(
    nginx,
    ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", path.join(dir, "error.log"), "-g", "daemon off;"],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  proxy.once("exit", (code) => {
    if (!stopping) console.error(`cluster: nginx exited (code ${code}); see ${dir}/error.log`);
  });
  stoppers.push(async () => {
    if (proxy.exitCode !== null) return;
    const exited = new Promise((resolve) => proxy.once("exit", resolve));
    proxy.kill("SIGQUIT");
    await exited;
  });
  await healthy(`${publicUrl}/api/health/live`);
  await saveState();
  process.stdout.write(
    `\n  Anaplan Token Portal cluster is ready: open ${publicUrl}\n` +
      `  nginx → ${count} instance(s) on ports ${ports.join(", ")} (PORTAL_WORKER=0), 1 worker process\n` +
      `  Database: ${database.embedded ? `embedded PostgreSQL in ${path.resolve(settings.DATA_DIR, "pg")}` : "DATABASE_URL"}\n` +
      `  Anaplan: ${anaplan.ANAPLAN_OAUTH_URL ? `the bundled SIMULATOR at ${anaplan.ANAPLAN_OAUTH_URL} (not real Anaplan)` : settings.ANAPLAN_OAUTH_URL}\n` +
      `  Processes: ${path.join(dir, "state.json")}; nginx logs in ${dir}\n\n`,
  );
}

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  // nginx first (no new requests), then the worker and the instances, then the simulator and the database.
  for (const s of stoppers.reverse()) await s().catch(() => {});
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stop(0));

try {
  await main();
} catch (error) {
  console.error(`\nThe cluster cannot start.\n${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
