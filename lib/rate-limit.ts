// Fixed one-minute windows counted in Postgres, so a limit holds across any number of instances: one upsert per
// call, atomic under the row lock, and the count it returns is this call's place in the window.
import "server-only";
import { db } from "@/lib/db";

export type RateDecision = { allowed: boolean; retryAfterSeconds: number };

export async function takeFromWindow(bucket: string, limitPerMinute: number): Promise<RateDecision> {
  const [row] = await db().$queryRaw<{ count: number; reset: number }[]>`
    INSERT INTO rate_limit_counters (bucket, window_start, count) VALUES (${bucket}, date_trunc('minute', now()), 1)
    ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_limit_counters.count + 1
    RETURNING count, EXTRACT(EPOCH FROM window_start + interval '1 minute' - now())::float8 AS reset`;
  return {
    allowed: (row?.count ?? 0) <= limitPerMinute,
    retryAfterSeconds: Math.max(1, Math.ceil(row?.reset ?? 60)),
  };
}

/** Windows older than an hour count for nothing; the worker clears them. */
export async function pruneRateWindows(): Promise<number> {
  return db().$executeRaw`DELETE FROM rate_limit_counters WHERE window_start < now() - interval '1 hour'`;
}
