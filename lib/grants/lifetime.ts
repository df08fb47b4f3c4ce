// When a refresh token stops working. Anaplan sets a TTL per Rotatable client but does not say whether a rotated
// token gets a fresh TTL (sliding) or inherits the first one's deadline (absolute, as in Auth0's rotation). So the
// portal learns it per OAuth client from what Anaplan does, and assumes absolute (the safe side) until it knows:
// - a refresh that succeeds after the chain's first deadline (start + TTL) proves sliding;
// - a chain refused (invalid_grant) at its first deadline, while a sliding one would still live, proves absolute.
// What is learned goes into oauth_client_lifetimes, whose triggers pass it on to the client's identities and the
// recorded ends of their chains. A grant row's created_at is its chain's start.
import "server-only";
import { db } from "@/lib/platform/db";
import { log } from "@/lib/platform/log";

export type RefreshLifetime = "absolute" | "sliding";

export function refreshTokenDeadline(
  ttlSeconds: number | null | undefined,
  lifetime: RefreshLifetime,
  chainStartedAt: Date,
  issuedAt = new Date(),
): Date | null {
  if (!ttlSeconds) return null;
  return new Date((lifetime === "absolute" ? chainStartedAt : issuedAt).getTime() + ttlSeconds * 1000);
}

type Chain = { oauthUrl: string; clientId: string; createdAt: Date; lastRefreshAt: Date | null };

/** What `observed` (a refresh of `chain` that succeeded, or was refused) proves about its client, if anything. */
export function lifetimeShownBy(
  chain: Chain,
  ttlSeconds: number | null | undefined,
  observed: "refreshed" | "refused",
  now = Date.now(),
): RefreshLifetime | null {
  if (!ttlSeconds) return null;
  const ttl = ttlSeconds * 1000;
  const firstDeadline = chain.createdAt.getTime() + ttl;
  // The chain began at Anaplan a moment before its row was written: allow for that much early.
  const slack = Math.min(60_000, ttl / 10);
  if (observed === "refreshed") return now > firstDeadline + slack ? "sliding" : null;
  const slidingDeadline = (chain.lastRefreshAt ?? chain.createdAt).getTime() + ttl;
  return now >= firstDeadline - slack && now < slidingDeadline - slack ? "absolute" : null;
}

/**
 * Records a client's lifetime as learned. Its triggers rewrite the recorded end of every chain of the client, so
 * callers do this after the tokens at hand are stored, never while a refresh still holds its lease.
 */
export async function recordLearnedLifetime(chain: Pick<Chain, "oauthUrl" | "clientId">, lifetime: RefreshLifetime) {
  const evidence =
    lifetime === "sliding"
      ? "A refresh succeeded after its chain's first deadline (start + TTL)."
      : "A chain was refused at its first deadline while a sliding one would still have lived.";
  const changed = await db().$executeRaw`
    INSERT INTO oauth_client_lifetimes (oauth_url, client_id, lifetime, evidence)
    VALUES (${chain.oauthUrl}, ${chain.clientId}, ${lifetime}::refresh_lifetime, ${evidence})
    ON CONFLICT (oauth_url, client_id) DO UPDATE
      SET lifetime = EXCLUDED.lifetime, evidence = EXCLUDED.evidence, learned_at = now()
      WHERE oauth_client_lifetimes.lifetime <> EXCLUDED.lifetime`;
  if (changed > 0) log.info("learned an OAuth client's refresh-token lifetime", { clientId: chain.clientId, lifetime });
}
