// The queue-engine question of `npm run bench:sweep`: what the sweep's own engine (the grants table as its queue,
// claimed with SKIP LOCKED) costs per identity, beside pg-boss (the Node 20 line) doing the same work as one job per
// identity, on the same database in the same run. Both drain the fleet with no-op work, 8 claimers taking 200 at a
// time; pg-boss gets its fastest path (fetch + complete in batches, no polling interval). Printed: seconds, items/s
// and WAL bytes per item (what the engine costs the database's disk and replicas).
import { performance } from "node:perf_hooks";
import pg from "pg";
import PgBoss from "pg-boss";

const CLAIMERS = 8;
const BATCH = 200;

export type EngineFigures = { seconds: number; perSecond: number; walBytesPerItem: number };

async function measured(url: string, items: number, work: () => Promise<void>): Promise<EngineFigures> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const lsn = async () =>
    (await client.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn")).rows[0]?.lsn;
  const from = await lsn();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const { rows } = await client.query<{ bytes: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS bytes", [
    from,
  ]);
  await client.end();
  return { seconds, perSecond: items / seconds, walBytesPerItem: Number(rows[0]?.bytes) / items };
}

async function drain(take: () => Promise<number>) {
  await Promise.all(
    Array.from({ length: CLAIMERS }, async () => {
      while ((await take()) > 0) {}
    }),
  );
}

/** The sweep's engine: every due grant claimed once, through the sweep's own claim statement. */
export function leaseLoop(url: string, items: number, claim: (limit: number) => Promise<unknown[]>) {
  return measured(url, items, () => drain(async () => (await claim(BATCH)).length));
}

/** pg-boss: one job per identity enqueued (as a sweep would have to), then fetched and completed. */
export async function pgBoss(url: string, identityIds: string[]) {
  const boss = new PgBoss({ connectionString: url, max: CLAIMERS + 2, supervise: false, schedule: false });
  boss.on("error", () => {});
  await boss.start();
  await boss.createQueue("sweep");
  const figures = await measured(url, identityIds.length, async () => {
    for (let i = 0; i < identityIds.length; i += 5000) {
      await boss.insert(identityIds.slice(i, i + 5000).map((identityId) => ({ name: "sweep", data: { identityId } })));
    }
    await drain(async () => {
      const jobs = await boss.fetch("sweep", { batchSize: BATCH });
      if (jobs.length > 0)
        await boss.complete(
          "sweep",
          jobs.map((j) => j.id),
        );
      return jobs.length;
    });
  });
  await boss.stop({ graceful: false, wait: true });
  return figures;
}
