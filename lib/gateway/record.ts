// The record of gateway calls. A call's row is queued when its answer ends and written with up to BATCH others in
// one INSERT (… SELECT FROM unnest), at most FLUSH_MS later: one statement per batch instead of one per call keeps
// the record off the calls' critical path. A failed write keeps the rows (up to MAX_QUEUED) for the next attempt;
// a stop writes what is queued. What a kill -9 can lose is the last FLUSH_MS.
import "server-only";
import { db, preparedQuery } from "@/lib/platform/db";
import { log } from "@/lib/platform/log";

export type CallRecord = {
  at: Date;
  identityId: string;
  keyId: string | null;
  workloadPolicyId: string | null;
  method: string;
  pathTemplate: string;
  workspaceId: string | null;
  modelId: string | null;
  objectId: string | null;
  status: number;
  error: string | null;
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
  clientIp: string | null;
};

const FLUSH_MS = 100;
const BATCH = 500;
const MAX_QUEUED = 50_000;
const PRUNE_BATCH = 10_000;

const INSERT_SQL = `
  INSERT INTO gateway_calls (at, identity_id, key_id, workload_policy_id, method, path_template, workspace_id,
                             model_id, object_id, status, error, bytes_in, bytes_out, duration_ms, client_ip)
  SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::text[], $10::int[], $11::text[], $12::bigint[], $13::bigint[], $14::int[],
                       $15::text[])`;

const COLUMNS = [
  "at",
  "identityId",
  "keyId",
  "workloadPolicyId",
  "method",
  "pathTemplate",
  "workspaceId",
  "modelId",
  "objectId",
  "status",
  "error",
  "bytesIn",
  "bytesOut",
  "durationMs",
  "clientIp",
] as const satisfies readonly (keyof CallRecord)[];

let queue: CallRecord[] = [];
let timer: NodeJS.Timeout | undefined;
let writing: Promise<void> = Promise.resolve();

export function recordCall(call: CallRecord) {
  if (queue.length >= MAX_QUEUED) {
    log.error("gateway record queue full: the database has not taken records for a while; dropping the oldest");
    queue.shift();
  }
  queue.push(call);
  if (queue.length >= BATCH) void flushCalls();
  else timer ??= setTimeout(() => void flushCalls(), FLUSH_MS).unref();
}

/** Writes everything queued so far (one batch after another); resolves when it is written or has failed. */
export function flushCalls(): Promise<void> {
  clearTimeout(timer);
  timer = undefined;
  writing = writing.then(async () => {
    while (queue.length > 0) {
      const batch = queue.slice(0, BATCH);
      try {
        await preparedQuery(
          "gateway_record",
          INSERT_SQL,
          COLUMNS.map((c) => batch.map((row) => row[c])),
        );
        queue = queue.slice(batch.length);
      } catch (error) {
        log.warn("gateway records not written yet; retrying", { error, queued: queue.length });
        timer ??= setTimeout(() => void flushCalls(), 5 * FLUSH_MS).unref();
        return;
      }
    }
  });
  return writing;
}

/** Deletes calls older than `days`, in batches (the table's trigger allows a delete only here). */
export async function pruneGatewayCalls(days: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db().$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('portal.gateway_prune', 'on', true)`;
      return tx.$executeRaw`
        DELETE FROM gateway_calls WHERE id IN (
          SELECT id FROM gateway_calls WHERE at < now() - make_interval(days => ${days}) LIMIT ${PRUNE_BATCH})`;
    });
    total += deleted;
    if (deleted < PRUNE_BATCH) return total;
  }
}
