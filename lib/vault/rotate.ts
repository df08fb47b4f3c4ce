// Key rotation: re-wrap every stored data key under the active KEK, in batches, while the app keeps serving.
// A batch of key prefixes (the format, KEK version and wrapped data key at the start of each value) is read,
// re-wrapped in memory and written back in one statement that is a compare-and-set on each old prefix, so a refresh
// that stored a new token meanwhile is never overwritten (its value is already under the active key). The IV and
// ciphertext after the prefix never move. Re-running finds nothing left to do.
import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { KEY_PREFIX_BYTES } from "./envelope";
import { UnknownKeyVersionError } from "./errors";
import { aadFor, keyring, vault } from "./index";

/** Every column holding a sealed value; its AAD is aadFor(table, row id, column). */
export const SEALED_COLUMNS = [
  { table: "grants", column: "refresh_token" },
  { table: "grants", column: "access_token" },
  { table: "enrolments", column: "device_code" },
  { table: "certificates", column: "private_key" },
] as const;

// Read through a 3-byte slice, so Postgres fetches only the first chunk of an out-of-line value, not all of it.
const versionOf = (column: string) =>
  Prisma.raw(
    `(get_byte(substring("${column}" from 1 for 3), 1) * 256 + get_byte(substring("${column}" from 1 for 3), 2))`,
  );
const PREFIX = Prisma.raw(String(KEY_PREFIX_BYTES));

const ZERO_ID = "00000000-0000-0000-0000-000000000000";

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
    // Only each value's key prefix travels and changes: its IV and ciphertext stay where they are.
    const read = (after: string) => db().$queryRaw<{ id: string; prefix: Uint8Array }[]>`
      SELECT id::text AS id, substring(${c} from 1 for ${PREFIX}) AS prefix FROM ${t}
      WHERE ${c} IS NOT NULL AND ${versionOf(column)} <> ${active} AND id > ${after}::uuid
      ORDER BY id LIMIT ${batchSize}`;
    const write = async (rows: { id: string; prefix: Uint8Array }[]) => {
      const next = await Promise.all(
        rows.map((row) => vault().rewrapKeyPrefix(row.prefix, aadFor(table, row.id, column))),
      );
      const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
      const ids = rows.map((r) => r.id);
      // Compare-and-set on the old prefix, whose wrapped data key is unique to the value: a value sealed anew since
      // it was read has another and is left as it is. `id = ANY(…)` finds the batch's rows by primary key.
      return db().$executeRaw`
        UPDATE ${t} SET ${c} = overlay(${c} placing decode(v.next, 'base64') from 1 for ${PREFIX})
        FROM unnest(${ids}::uuid[], ${rows.map((r) => b64(r.prefix))}::text[], ${next.map(b64)}::text[])
          AS v(id, old, next)
        WHERE ${t}.id = ANY(${ids}::uuid[]) AND ${t}.id = v.id
          AND substring(${t}.${c} from 1 for ${PREFIX}) = decode(v.old, 'base64')`;
    };
    // The next batch is read while this one is re-wrapped and written: keyset order needs only its last id.
    for (let rows = await read(ZERO_ID); rows.length > 0; ) {
      const [written, next] = await Promise.all([write(rows), read(rows[rows.length - 1]?.id ?? ZERO_ID)]);
      rewrapped += written;
      skippedConcurrent += rows.length - written;
      options.onProgress?.({ table, column, rewrapped });
      rows = next;
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
