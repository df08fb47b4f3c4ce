// An identity's broker requests per hour over the last 7 days, from the identity_usage aggregate (counted in the
// broker's statement). Hours without a request are zeros, so the series always has 168 points.
import "server-only";
import { db } from "@/lib/platform/db";

const HOUR_MS = 3600_000;
export const USAGE_HOURS = 7 * 24;

/** Hourly counts from `rows`, oldest first, for the USAGE_HOURS hours ending with the one containing `now`. */
export function hourlySeries(rows: { hour: Date; requests: number }[], now = new Date()): number[] {
  const last = Math.floor(now.getTime() / HOUR_MS);
  const series = new Array<number>(USAGE_HOURS).fill(0);
  for (const { hour, requests } of rows) {
    const index = USAGE_HOURS - 1 - (last - Math.floor(hour.getTime() / HOUR_MS));
    if (index >= 0 && index < USAGE_HOURS) series[index] = (series[index] ?? 0) + requests;
  }
  return series;
}

/** For a row the caller already loaded through its team (getIdentity): no authorization of its own. */
export async function usageOf(identityId: string) {
  const since = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - (USAGE_HOURS - 1) * HOUR_MS);
  const rows = await db().identityUsage.findMany({
    where: { identityId, hour: { gte: since } },
    select: { hour: true, requests: true },
  });
  return hourlySeries(rows);
}

/** The aggregate keeps 8 days: the 7 shown and a day of slack. Run by the background worker. */
export async function pruneUsage(): Promise<number> {
  return db().$executeRaw`DELETE FROM identity_usage WHERE hour < now() - interval '8 days'`;
}
