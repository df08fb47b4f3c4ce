// The tokens the auth service handed out, by their SHA-256 only: a later refresh, validate or logout must present
// one of them, and nothing stored here could be used as a token.
import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { db } from "@/lib/platform/db";

/** Rows outlive their token by a day (a late logout still finds its key), then the worker prunes them. */
const KEPT_AFTER_EXPIRY_MS = 24 * 3600 * 1000;

export const tokenHash = (token: string) => new Uint8Array(createHash("sha256").update(token).digest());

/** Notes that `token` was handed out for `keyId`; the same token handed out again keeps its id. */
export async function recordHandedOut(token: string, keyId: string, expiresAt: Date): Promise<string> {
  const row = await db().handedOutToken.upsert({
    where: { tokenHash: tokenHash(token) },
    create: { tokenHash: tokenHash(token), id: randomUUID(), keyId, expiresAt },
    update: { expiresAt },
    select: { id: true },
  });
  return row.id;
}

/** The handed-out token's row with its key's identity (for the audit trail), or null. */
export const findHandedOut = (token: string) =>
  db().handedOutToken.findUnique({
    where: { tokenHash: tokenHash(token) },
    select: {
      id: true,
      expiresAt: true,
      key: { select: { id: true, lookupId: true, identity: { select: { id: true, teamId: true } } } },
    },
  });

export async function pruneHandedOut(): Promise<number> {
  const gone = await db().handedOutToken.deleteMany({
    where: { expiresAt: { lt: new Date(Date.now() - KEPT_AFTER_EXPIRY_MS) } },
  });
  return gone.count;
}
