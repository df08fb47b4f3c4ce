// Rate-limit windows: fixed calendar minutes counted in Postgres (table rate_limit_counters), so a limit holds across
// any number of instances. The broker counts in its own per-request statement (lib/broker/caller.ts); spent windows
// are cleared here by the background worker.
import "server-only";
import { db } from "@/lib/db";

/** Windows older than an hour count for nothing. */
export async function pruneRateWindows(): Promise<number> {
  return db().$executeRaw`DELETE FROM rate_limit_counters WHERE window_start < now() - interval '1 hour'`;
}
