// Rate-limit windows: fixed calendar minutes counted in Postgres (table rate_limit_counters), so a limit holds across
// any number of instances: one upsert per attempt, atomic under the row lock, whose count is this attempt's place in
// the window. The broker counts in its own per-request statement (lib/broker/caller.ts); spent windows are cleared
// here by the background worker.
import "server-only";
import { db } from "@/lib/db";

export type RateDecision = { allowed: boolean; retryAfterSeconds: number; count: number };

export async function takeFromWindow(bucket: string, limitPerMinute: number): Promise<RateDecision> {
  const [row] = await db().$queryRaw<{ count: number; reset: number }[]>`
    INSERT INTO rate_limit_counters AS r (bucket, window_start, count) VALUES (${bucket}, date_trunc('minute', now()), 1)
    ON CONFLICT (bucket, window_start) DO UPDATE SET count = r.count + 1
    RETURNING r.count, EXTRACT(EPOCH FROM r.window_start + interval '1 minute' - now())::float8 AS reset`;
  const count = row?.count ?? Number.POSITIVE_INFINITY;
  return { allowed: count <= limitPerMinute, retryAfterSeconds: Math.max(1, Math.ceil(row?.reset ?? 60)), count };
}

/** Windows older than an hour count for nothing. */
export async function pruneRateWindows(): Promise<number> {
  return db().$executeRaw`DELETE FROM rate_limit_counters WHERE window_start < now() - interval '1 hour'`;
}
