// Is this platform JWT one of the identity's trusted workloads? Verified with jose: the signature under an
// allow-list of asymmetric algorithms (never `none`, never HMAC, so a public key cannot be used as a secret), `iss`
// exact, `aud` containing the policy's audience, exp/nbf with 30 s of skew, a maximum age from `iat`, every
// condition, and, where the policy asks, a `jti` used once. A refusal names the check for the audit trail only.
import "server-only";
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from "jose";
import { db } from "@/lib/platform/db";
import { globMatcher } from "./glob";
import { KeysUnavailable, keysFor } from "./keys";
import { claimPath, claimValue, type Preset } from "./presets";
import type { Condition } from "./schemas";

export const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];
const SKEW_SECONDS = 30;

export type Policy = {
  id: string;
  name: string;
  preset: string;
  issuer: string;
  audience: string;
  conditions: unknown;
  jwks: unknown;
  oneTimeJti: boolean;
  maxTokenAgeSeconds: number;
  /** The gateway limits its exchanges are held to (lib/gateway/policy.ts), unparsed; null: unrestricted. */
  accessPolicy: unknown;
};

/**
 * What a refusal names, for the audit trail, in the order a token gets through them: when several policies refuse
 * one token, the one that came furthest is reported.
 */
const CHECKS = [
  "malformed",
  "algorithm",
  "issuer",
  "keys_unavailable",
  "unknown_key",
  "signature",
  "audience",
  "expired",
  "not_yet_valid",
  "too_old",
  "claims",
  "replayed",
] as const;
export type Check = (typeof CHECKS)[number];

export class WorkloadRefused extends Error {
  constructor(
    readonly check: Check,
    readonly issuer: string | null,
    readonly subject: string | null,
  ) {
    super(`workload token refused: ${check}`);
  }
}

function unverified(token: string) {
  try {
    return { header: decodeProtectedHeader(token), claims: decodeJwt(token) };
  } catch {
    throw new WorkloadRefused("malformed", null, null);
  }
}

/** jose's verdict, as the check that failed. */
function checkOf(error: unknown): Check {
  if (error instanceof KeysUnavailable || error instanceof errors.JWKSTimeout) return "keys_unavailable";
  if (error instanceof errors.JWKSNoMatchingKey) return "unknown_key";
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature";
  // jose reports a token older than maxTokenAge as an expired "iat", and an iat in the future as a failed one.
  if (error instanceof errors.JWTExpired) return error.claim === "iat" ? "too_old" : "expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return "audience";
    if (error.claim === "nbf" || error.claim === "iat") return "not_yet_valid";
    if (error.claim === "iss") return "issuer";
    return "malformed";
  }
  if (error instanceof errors.JWKSInvalid || error instanceof errors.JOSEError) return "keys_unavailable";
  throw error;
}

function meetsConditions(policy: Policy, claims: Record<string, unknown>) {
  return (policy.conditions as Condition[]).every(({ claim, pattern }) => {
    const path = claimPath(policy.preset as Preset, claim);
    const value = path && claimValue(claims, path);
    return value !== undefined && globMatcher(pattern).test(value);
  });
}

/** Spent token ids past their token's expiry: nothing can present those tokens again. */
export const pruneSpentTokens = () => db().$executeRaw`DELETE FROM used_workload_tokens WHERE expires_at < now()`;

/** Marks the token's jti spent for this policy; false when it already was. */
async function spendOnce(policy: Policy, claims: { jti?: string; exp?: number }) {
  if (!claims.jti || !claims.exp) return false;
  const inserted = await db().$executeRaw`
    INSERT INTO used_workload_tokens (policy_id, jti, expires_at)
    VALUES (${policy.id}::uuid, ${claims.jti.slice(0, 256)}, to_timestamp(${claims.exp}))
    ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

async function verifyAgainst(token: string, policy: Policy) {
  try {
    const { payload } = await jwtVerify(token, await keysFor(policy), {
      algorithms: ALGORITHMS,
      issuer: policy.issuer,
      audience: policy.audience,
      clockTolerance: SKEW_SECONDS,
      maxTokenAge: policy.maxTokenAgeSeconds,
      requiredClaims: ["exp", "iat"],
    });
    return { payload };
  } catch (error) {
    return { check: checkOf(error) };
  }
}

/**
 * The first of the identity's policies `token` satisfies, with its verified claims; otherwise the refusal of the
 * policy that came closest (the check furthest down the list above), for the audit trail.
 */
export async function verifyWorkload(token: string, policies: Policy[]) {
  const { header, claims } = unverified(token);
  const issuer = typeof claims.iss === "string" ? claims.iss.slice(0, 300) : null;
  const subject = typeof claims.sub === "string" ? claims.sub.slice(0, 300) : null;
  if (typeof header.alg !== "string" || !ALGORITHMS.includes(header.alg)) {
    throw new WorkloadRefused("algorithm", issuer, subject);
  }
  const candidates = policies.filter((p) => p.issuer === issuer);
  if (candidates.length === 0) throw new WorkloadRefused("issuer", issuer, subject);
  let closest: Check = "malformed";
  for (const policy of candidates) {
    const verdict = await verifyAgainst(token, policy);
    let check = verdict.check;
    if (!check && verdict.payload && !meetsConditions(policy, verdict.payload)) check = "claims";
    if (!check && verdict.payload && policy.oneTimeJti && !(await spendOnce(policy, verdict.payload)))
      check = "replayed";
    if (!check && verdict.payload) return { policy, claims: verdict.payload as Record<string, unknown> };
    if (check && CHECKS.indexOf(check) > CHECKS.indexOf(closest)) closest = check;
  }
  throw new WorkloadRefused(closest, issuer, subject);
}
