// An Anaplan-compatible auth service, for scripts that log in the way Anaplan's auth service expects (Anaplan
// Connect's -auth, Basic-auth scripts): the password is a portal API key, the token handed back is the identity's
// Anaplan access token from the broker's cache (single-flight refresh, as for /api/v1/token), and the answers have
// Anaplan's shapes. Scripts of one identity share its access token, so a logout is recorded but ends nothing.
import "server-only";
import { recordAudit } from "@/lib/audit";
import { authenticateHandedOut, authenticateKey, type Caller } from "@/lib/broker/caller";
import { BrokerError, invalidKey } from "@/lib/broker/errors";
import { assertServable, GATEWAY_TOKEN_SECONDS, issueToken } from "@/lib/broker/issue";
import { keyPrefixOf, newGatewayToken } from "@/lib/broker/key-format";
import { portalUrl } from "@/lib/platform/env";
import type { RequestContext } from "@/lib/platform/request-context";
import { findHandedOut, recordHandedOut, tokenHash } from "./handed-out";

/** Anaplan Connect refreshes five minutes before expiry: a refresh gets a token with more life than that left. */
const REFRESH_MIN_VALID_SECONDS = 600;
const USER_NAME_MAX = 254;

function gatewayOnlyToken(caller: Caller) {
  assertServable(caller);
  return {
    access_token: newGatewayToken(),
    expires_at: new Date(Date.now() + GATEWAY_TOKEN_SECONDS * 1000).toISOString(),
  };
}

const meta = () => ({ validationUrl: `${portalUrl()}/anaplan-auth/token/validate` });

const unknownToken = () =>
  new BrokerError(
    "invalid_key",
    "This token was not handed out by the portal, or it has expired, or its API key was revoked: authenticate again.",
  );

/** `Authorization: Basic base64(user:password)`: the user is whatever the script says; the password is the key. */
function basicCredentials(authorization: string | null) {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization?.trim() ?? "")?.[1];
  const decoded = encoded ? Buffer.from(encoded, "base64").toString("utf8") : "";
  const colon = decoded.indexOf(":");
  if (colon < 0) throw invalidKey();
  // Not a secret, only a label: control characters out, and kept short, before it reaches the audit trail.
  const user = decoded
    .slice(0, colon)
    .replace(/\p{Cc}/gu, "")
    .slice(0, USER_NAME_MAX);
  return { user, key: decoded.slice(colon + 1) };
}

/** `Authorization: AnaplanAuthToken <token>`, as Anaplan's auth service takes it (Bearer is refused there too). */
function presentedToken(authorization: string | null): string {
  const value = authorization?.trim() ?? "";
  const token = /^AnaplanAuthToken\s+(\S+)$/i.exec(value)?.[1];
  if (token) return token;
  if (value === "") throw unknownToken();
  throw new BrokerError("invalid_request", "Send the token as `Authorization: AnaplanAuthToken <token>`.");
}

/**
 * The identity's access token for an unrestricted key. A key with a gateway policy gets a token of the portal's own
 * instead, good only at the gateway (which enforces the policy): Anaplan Connect logs in here and then calls the
 * gateway with it, and the unrestricted Anaplan token never leaves the portal.
 */
async function handOut(caller: Caller, minValidSeconds: number, context: RequestContext, statusMessage: string) {
  const token =
    caller.keyPolicy === null ? await issueToken(caller, { minValidSeconds }, context) : gatewayOnlyToken(caller);
  const id = await recordHandedOut(token.access_token, caller.keyId, new Date(token.expires_at));
  return {
    meta: meta(),
    status: "SUCCESS",
    statusMessage,
    tokenInfo: {
      expiresAt: Date.parse(token.expires_at),
      tokenId: id,
      tokenValue: token.access_token,
      refreshTokenId: id,
    },
  };
}

const audited = (caller: Caller, context: RequestContext) => ({
  actorApiKeyId: caller.keyId,
  teamId: caller.teamId,
  targetType: "identity" as const,
  targetId: caller.id,
  ip: context.ip,
  userAgent: context.userAgent,
});

/** POST /token/authenticate: a key in, the identity's access token out (201, as Anaplan answers a login). */
export async function authenticateBasic(authorization: string | null, context: RequestContext) {
  const { user, key } = basicCredentials(authorization);
  const caller = await authenticateKey(key);
  const body = await handOut(caller, 0, context, "Login successful");
  await recordAudit({
    action: "token.authenticate",
    outcome: "success",
    ...audited(caller, context),
    details: { user, keyPrefix: keyPrefixOf(caller.lookupId), ...(caller.keyPolicy !== null && { gatewayOnly: true }) },
  });
  return body;
}

/** POST /token/refresh: a handed-out token in, the identity's current token out, refreshed if it is near its end. */
export async function refreshHandedOut(authorization: string | null, context: RequestContext) {
  const caller = await authenticateHandedOut(tokenHash(presentedToken(authorization)), unknownToken);
  return handOut(caller, REFRESH_MIN_VALID_SECONDS, context, "Token refreshed");
}

/** GET /token/validate: Anaplan's answer for a handed-out token, with the account that approved the enrolment. */
export async function validateHandedOut(authorization: string | null) {
  const token = presentedToken(authorization);
  const caller = await authenticateHandedOut(tokenHash(token), unknownToken);
  assertServable(caller);
  const row = await findHandedOut(token);
  if (!row) throw unknownToken();
  return {
    meta: meta(),
    status: "SUCCESS",
    statusMessage: "Token validated",
    tokenInfo: { expiresAt: row.expiresAt.getTime(), tokenId: row.id },
    userInfo: {
      userGuid: caller.approvedByAnaplanId,
      userId: caller.approvedByEmail,
      customerGuid: caller.approvedByCustomerId,
    },
  };
}

/** POST /token/logout: recorded, and the shared token is left alone (revoking is the admin's button). */
export async function logoutHandedOut(authorization: string | null, context: RequestContext) {
  const row = await findHandedOut(presentedToken(authorization));
  // A workload's gateway token was not handed out here (it has no key): this service knows nothing of it.
  if (!row?.key) throw unknownToken();
  await recordAudit({
    action: "token.logout",
    outcome: "success",
    actorApiKeyId: row.key.id,
    teamId: row.key.identity.teamId,
    targetType: "identity",
    targetId: row.key.identity.id,
    ip: context.ip,
    userAgent: context.userAgent,
    details: {
      keyPrefix: keyPrefixOf(row.key.lookupId),
      note: "the identity's access token is shared by its scripts and stays valid; revoke it in the portal",
    },
  });
}
