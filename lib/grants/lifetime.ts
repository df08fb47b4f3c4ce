// When a refresh token stops working. Anaplan sets a TTL per Rotatable client but does not say whether a rotated
// token gets a fresh TTL (sliding) or inherits the first one's deadline (absolute, as in Auth0's rotation, which
// Anaplan's OAuth service resembles). An identity says which to assume; a grant row's created_at is its chain's start.
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
