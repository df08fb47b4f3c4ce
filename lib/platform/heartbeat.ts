// Background work reports each completed round here, so health and metrics can tell a stalled worker from an idle
// one on any instance (the row is shared; the newest round wins).
import "server-only";
import os from "node:os";
import { db } from "@/lib/platform/db";

export type Job = "keep_alive";

/** The worker runs a keep-alive round every minute at its default pace; health calls it stalled after three missed. */
export const KEEP_ALIVE_STALE_SECONDS = 180;

const instance = `${os.hostname()}:${process.pid}`;

export async function beat(job: Job) {
  const now = new Date();
  await db().workerHeartbeat.upsert({
    where: { job },
    create: { job, lastRunAt: now, instance },
    update: { lastRunAt: now, instance },
  });
}

/** Seconds since `job` last completed a round anywhere, or null when it never has. */
export async function secondsSince(job: Job): Promise<number | null> {
  const row = await db().workerHeartbeat.findUnique({ where: { job } });
  return row ? Math.max(0, (Date.now() - row.lastRunAt.getTime()) / 1000) : null;
}
