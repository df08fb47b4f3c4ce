// A throwaway embedded PostgreSQL for a benchmark: a temporary directory, no fsync, all removed by stop().
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/db/embedded";

export async function throwawayDatabase() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "portal-bench-"));
  await chmod(dir, 0o755); // the embedded server runs as the postgres user when we are root
  const pg = await startEmbeddedPostgres({
    dir: path.join(dir, "pg"),
    password: randomBytes(12).toString("hex"),
    durable: false,
  });
  return {
    url: pg.url,
    dir,
    stop: async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
    },
  };
}
