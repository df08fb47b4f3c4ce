// Key rotation: re-wrap every stored data key under the active KEK, in batches, while the app keeps serving.
// A batch is read, re-wrapped in memory and written back in one statement that is a compare-and-set on each row's
// old bytes, so a refresh that stored a new token meanwhile is never overwritten (its value is already under the
// active key). Re-running finds nothing left to do.
import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { UnknownKeyVersionError } from "./errors";
import { aadFor, keyring, vault } from "./index";

/** Every column holding a sealed value; its AAD is aadFor(table, row id, column). */
export const SEALED_COLUMNS = [
  { table: "grants", column: "refresh_token" },
  { table: "grants", column: "access_token" },
  { table: "enrolments", column: "device_code" },
] as const;

const versionOf = (column: string) => Prisma.raw(`(get_byte("${column}", 1) * 256 + get_byte("${column}", 2))`);

export type RotationReport = {
  rewrapped: number;
  skippedConcurrent: number;
  remainingByVersion: Record<number, number>;
};

export async function rotateKeys(
  options: { batchSize?: number; onProgress?: (p: { table: string; column: string; rewrapped: number }) => void } = {},
): Promise<RotationReport> {
  const active = keyring().activeVersion;
  const batchSize = options.batchSize ?? 2000;
  let rewrapped = 0;
  let skippedConcurrent = 0;
  for (const { table, column } of SEALED_COLUMNS) {
    const t = Prisma.raw(`"${table}"`);
    const c = Prisma.raw(`"${column}"`);
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows = await db().$queryRaw<{ id: string; value: Uint8Array }[]>`
        SELECT id::text AS id, ${c} AS value FROM ${t}
        WHERE ${c} IS NOT NULL AND ${versionOf(column)} <> ${active} AND id > ${after}::uuid
        ORDER BY id LIMIT ${batchSize}`;
      if (rows.length === 0) break;
      const next = await Promise.all(rows.map((row) => vault().rewrap(row.value, aadFor(table, row.id, column))));
      const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
      // `id = ANY(…)` lets the planner find the batch's rows by primary key instead of joining the whole table.
      const written = await db().$executeRaw`
        UPDATE ${t} SET ${c} = decode(v.next, 'base64')
        FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => b64(r.value))}::text[],
                    ${next.map((n) => b64(n))}::text[]) AS v(id, old, next)
        WHERE ${t}.id = ANY(${rows.map((r) => r.id)}::uuid[]) AND ${t}.id = v.id AND ${t}.${c} = decode(v.old, 'base64')`;
      rewrapped += written;
      skippedConcurrent += rows.length - written;
      after = rows[rows.length - 1]?.id ?? after;
      options.onProgress?.({ table, column, rewrapped });
    }
  }
  return { rewrapped, skippedConcurrent, remainingByVersion: await keyVersionCounts() };
}

/** How many stored values each key version still protects, over all sealed columns. */
export async function keyVersionCounts(): Promise<Record<number, number>> {
  const counts: Record<number, number> = {};
  for (const { table, column } of SEALED_COLUMNS) {
    const rows = await db().$queryRaw<{ version: number; n: bigint }[]>`
      SELECT ${versionOf(column)} AS version, count(*) AS n FROM ${Prisma.raw(`"${table}"`)}
      WHERE ${Prisma.raw(`"${column}"`)} IS NOT NULL GROUP BY 1`;
    for (const r of rows) counts[r.version] = (counts[r.version] ?? 0) + Number(r.n);
  }
  return counts;
}

/** Start-up check: a stored value whose key is no longer configured would only fail later, at the worst moment. */
export async function assertKeysCoverStoredRows() {
  const configured = new Set(keyring().versions);
  for (const version of Object.keys(await keyVersionCounts()).map(Number)) {
    if (!configured.has(version)) throw new UnknownKeyVersionError(version);
  }
}
