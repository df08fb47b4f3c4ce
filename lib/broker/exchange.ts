// RFC 8693 token exchange at POST /api/v1/token: a workload presents its platform's signed JWT and names an
// identity; if one of that identity's trusted-workload policies accepts the token, the identity's access token is
// served exactly as for an API key (cached, single-flight refresh), or, when the policy carries gateway limits, a
// token good only at the gateway. The caller learns only "invalid_token"; the
// audit trail records which check refused, the issuer and the subject, and on success which job took the token.
import "server-only";
import { randomUUID } from "node:crypto";
import { recordAudit } from "@/lib/audit";
import { recordRefusal } from "@/lib/audit/refusals";
import type { AccessToken } from "@/lib/grants/access-token";
import { IDENTITY_ROW_SQL } from "@/lib/identities/row";
import { db, preparedQuery } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { metrics } from "@/lib/platform/metrics";
import type { RequestContext } from "@/lib/platform/request-context";
import { auditedClaims, type Preset } from "@/lib/workloads/presets";
import { type Policy, verifyWorkload, WorkloadRefused } from "@/lib/workloads/verify";
import { BrokerError } from "./errors";
import { accessTokenFor, assertServable, GATEWAY_TOKEN_SECONDS, type Servable, tokenAnswer } from "./issue";
import { hashSecret, newGatewayToken } from "./key-format";
import { type ExchangeRequest, GATEWAY_TOKEN_TYPE, type TokenResponse } from "./schemas";

const ISSUED = "urn:ietf:params:oauth:token-type:access_token" as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const refused = () =>
  new BrokerError("invalid_token", "The subject token is not accepted for this identity. Its team admins can see why.");

/** The identity (by id, or by team slug and name), its grant's cached token and its policies, in one round trip. */
const namedSql = (where: string) => `
  SELECT ${IDENTITY_ROW_SQL}, g.access_token AS "accessToken", g.generation,
    COALESCE((SELECT json_agg(json_build_object(
        'id', p.id, 'name', p.name, 'preset', p.preset, 'issuer', p.issuer, 'audience', p.audience,
        'conditions', p.conditions, 'jwks', p.jwks, 'oneTimeJti', p.one_time_jti,
        'maxTokenAgeSeconds', p.max_token_age_seconds, 'accessPolicy', p.access_policy))
      FROM workload_policies p WHERE p.identity_id = si.id), '[]'::json) AS policies
  FROM service_identities si LEFT JOIN grants g ON g.id = si.grant_id WHERE ${where}`;
const BY_ID_SQL = namedSql("si.id = $1::uuid");
const BY_NAME_SQL = namedSql("si.team_id = (SELECT id FROM teams WHERE slug = $1) AND si.name = $2");

type Named = Servable & { policies: Policy[] };

async function namedIdentity(ref: string): Promise<Named | undefined> {
  if (UUID.test(ref)) return (await preparedQuery<Named>("exchange_identity_by_id", BY_ID_SQL, [ref]))[0];
  const slash = ref.indexOf("/");
  if (slash <= 0) return undefined;
  const values = [ref.slice(0, slash), ref.slice(slash + 1)];
  return (await preparedQuery<Named>("exchange_identity_by_name", BY_NAME_SQL, values))[0];
}

/**
 * The exchange counted against its policy's per-minute limit, and (at most once a minute) the policy's and the
 * identity's last use and the identity's hourly usage, in one statement. Returns the window's count and reset.
 */
const COUNT_SQL = `
  WITH counted AS (
    INSERT INTO rate_limit_counters AS r (bucket, window_start, count)
    VALUES ('workload:' || $1, date_trunc('minute', now()), 1)
    ON CONFLICT (bucket, window_start) DO UPDATE SET count = r.count + 1
    RETURNING r.count, EXTRACT(EPOCH FROM r.window_start + interval '1 minute' - now())::float8 AS reset
  ), policy AS (
    UPDATE workload_policies SET last_used_at = now()
    WHERE id = $1::uuid AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
  ), identity AS (
    UPDATE service_identities SET last_used_at = now()
    WHERE id = $2::uuid AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
  ), used AS (
    INSERT INTO identity_usage AS u (identity_id, hour, requests) VALUES ($2::uuid, date_trunc('hour', now()), 1)
    ON CONFLICT (identity_id, hour) DO UPDATE SET requests = u.requests + 1
  )
  SELECT count, reset FROM counted`;

/** A metric label: the host of an issuer some policy trusts; any other `iss` (the caller's choice) is "other". */
const issuerLabel = (issuer: string | null, policies: Policy[]) =>
  issuer && policies.some((p) => p.issuer === issuer) && URL.canParse(issuer) ? new URL(issuer).host : "other";

async function refuse(
  context: RequestContext,
  identity: Named | undefined,
  error: WorkloadRefused | { check: string; issuer: null; subject: null },
) {
  metrics().workloadExchanges.inc({
    issuer: issuerLabel(error.issuer, identity?.policies ?? []),
    outcome: error.check,
  });
  await recordRefusal(`${context.ip ?? "unknown"}:${identity?.id ?? "none"}:${error.check}`, {
    action: "token.exchange",
    outcome: "denied",
    teamId: identity?.teamId ?? null,
    ...(identity ? { targetType: "identity" as const, targetId: identity.id } : {}),
    ip: context.ip,
    userAgent: context.userAgent,
    details: { check: error.check, issuer: error.issuer, subject: error.subject },
  });
  return refused();
}

export async function exchangeToken(body: ExchangeRequest, context: RequestContext): Promise<TokenResponse> {
  const identity = await namedIdentity(body.audience ?? body.resource ?? "");
  const policies = identity?.policies ?? [];
  if (!identity || policies.length === 0) {
    throw await refuse(context, identity, { check: identity ? "no_policy" : "identity", issuer: null, subject: null });
  }
  let verified: Awaited<ReturnType<typeof verifyWorkload>>;
  try {
    verified = await verifyWorkload(body.subject_token, policies);
  } catch (error) {
    if (error instanceof WorkloadRefused) throw await refuse(context, identity, error);
    throw error;
  }
  const { policy, claims } = verified;
  const limit = env().BROKER_RATE_LIMIT_PER_MINUTE;
  const [rate] = await preparedQuery<{ count: number; reset: number }>("exchange_count", COUNT_SQL, [
    policy.id,
    identity.id,
  ]);
  if ((rate?.count ?? Number.POSITIVE_INFINITY) > limit) {
    throw new BrokerError(
      "rate_limited",
      `The trusted workload “${policy.name}” asked more than ${limit} times this minute.`,
      Math.max(1, Math.ceil(rate?.reset ?? 60)),
    );
  }
  assertServable(identity);
  const restricted = policy.accessPolicy !== null;
  const token = restricted
    ? await gatewayToken(policy.id)
    : await accessTokenFor(identity, body.min_valid_seconds ?? 0);
  metrics().workloadExchanges.inc({ issuer: issuerLabel(policy.issuer, policies), outcome: "ok" });
  await recordAudit({
    action: "token.exchange",
    outcome: "success",
    teamId: identity.teamId,
    targetType: "identity",
    targetId: identity.id,
    ip: context.ip,
    userAgent: context.userAgent,
    details: {
      policy: policy.name,
      workload: auditedClaims(policy.preset as Preset, claims),
      expiresAt: token.expiresAt.toISOString(),
      ...(restricted && { gatewayOnly: true }),
    },
  });
  return { ...tokenAnswer(identity, token), issued_token_type: restricted ? GATEWAY_TOKEN_TYPE : ISSUED };
}

/** A restricted workload's token: the portal's own, recorded by its hash, good only at the gateway. */
async function gatewayToken(workloadPolicyId: string): Promise<AccessToken> {
  const accessToken = newGatewayToken();
  const expiresAt = new Date(Date.now() + GATEWAY_TOKEN_SECONDS * 1000);
  await db().handedOutToken.create({
    data: { tokenHash: hashSecret(accessToken), id: randomUUID(), workloadPolicyId, expiresAt },
  });
  return { accessToken, expiresAt, generation: 0 };
}
