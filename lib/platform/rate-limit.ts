// Rate-limit windows: fixed calendar minutes counted in Postgres (table rate_limit_counters), so a limit holds across
// any number of instances: one upsert per attempt, atomic under the row lock, whose count is this attempt's place in
// the window. The broker counts in its own per-request statement (lib/broker/caller.ts); spent windows are cleared
// here by the background worker.
import "server-only";
import { db } from "@/lib/platform/db";

/** `granted`: how many of the `cost` units asked for fit in the window (all or none when `cost` is 1). */
export type RateDecision = { allowed: boolean; retryAfterSeconds: number; count: number; granted: number };

/** Takes `cost` units at once: a batch of calls costs one upsert of the window's row, not one per call. */
export async function takeFromWindow(bucket: string, limitPerMinute: number, cost = 1): Promise<RateDecision> {
  const [row] = await db().$queryRaw<{ count: number; reset: number }[]>`
    INSERT INTO rate_limit_counters AS r (bucket, window_start, count)
    VALUES (${bucket}, date_trunc('minute', now()), ${cost})
    ON CONFLICT (bucket, window_start) DO UPDATE SET count = r.count + ${cost}
    RETURNING r.count, EXTRACT(EPOCH FROM r.window_start + interval '1 minute' - now())::float8 AS reset`;
  const count = row?.count ?? Number.POSITIVE_INFINITY;
  const granted = Math.max(0, Math.min(cost, limitPerMinute - (count - cost)));
  return {
    allowed: count <= limitPerMinute,
    retryAfterSeconds: Math.max(1, Math.ceil(row?.reset ?? 60)),
    count,
    granted,
  };
}

/** Windows older than an hour count for nothing. */
export async function pruneRateWindows(): Promise<number> {
  return db().$executeRaw`DELETE FROM rate_limit_counters WHERE window_start < now() - interval '1 hour'`;
}
