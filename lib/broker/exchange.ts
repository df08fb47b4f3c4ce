// RFC 8693 token exchange at POST /api/v1/token: a workload presents its platform's signed JWT and names an
// identity; if one of that identity's trusted-workload policies accepts the token, the identity's access token is
// served exactly as for an API key (cached, single-flight refresh). The caller learns only "invalid_token"; the
// audit trail records which check refused, the issuer and the subject, and on success which job took the token.
import "server-only";
import { recordAudit } from "@/lib/audit";
import { recordRefusal } from "@/lib/audit/refusals";
import { IDENTITY_ROW_SQL } from "@/lib/identities/row";
import { db } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { metrics } from "@/lib/platform/metrics";
import { takeFromWindow } from "@/lib/platform/rate-limit";
import type { RequestContext } from "@/lib/platform/request-context";
import { auditedClaims, type Preset } from "@/lib/workloads/presets";
import { type Policy, verifyWorkload, WorkloadRefused } from "@/lib/workloads/verify";
import { BrokerError } from "./errors";
import { accessTokenFor, assertServable, type Servable, tokenAnswer } from "./issue";
import type { ExchangeRequest, TokenResponse } from "./schemas";

const ISSUED = "urn:ietf:params:oauth:token-type:access_token" as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const refused = () =>
  new BrokerError("invalid_token", "The subject token is not accepted for this identity. Its team admins can see why.");

/** The identity an exchange names: its id, or `<team slug>/<identity name>`. */
async function namedIdentity(ref: string): Promise<Servable | undefined> {
  const slash = ref.indexOf("/");
  const [slug, name] = [ref.slice(0, slash), ref.slice(slash + 1)];
  const where = UUID.test(ref)
    ? `si.id = $1::uuid`
    : `si.team_id = (SELECT id FROM teams WHERE slug = $1) AND si.name = $2`;
  const rows = await db().$queryRawUnsafe<Servable[]>(
    `SELECT ${IDENTITY_ROW_SQL}, g.access_token AS "accessToken", g.generation
     FROM service_identities si LEFT JOIN grants g ON g.id = si.grant_id WHERE ${where}`,
    ...(UUID.test(ref) ? [ref] : [slug, name]),
  );
  return slash === -1 && !UUID.test(ref) ? undefined : rows[0];
}

const issuerHost = (issuer: string | null) => (issuer && URL.canParse(issuer) ? new URL(issuer).host : "unknown");

async function refuse(
  context: RequestContext,
  identity: Servable | undefined,
  error: WorkloadRefused | { check: string; issuer: null; subject: null },
) {
  metrics().workloadExchanges.inc({ issuer: issuerHost(error.issuer), outcome: error.check });
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
  const policies = identity
    ? await db().workloadPolicy.findMany({ where: { identityId: identity.id } })
    : ([] as Policy[]);
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
  const rate = await takeFromWindow(`workload:${policy.id}`, env().BROKER_RATE_LIMIT_PER_MINUTE);
  if (!rate.allowed) {
    throw new BrokerError(
      "rate_limited",
      `The trusted workload “${policy.name}” asked more than ${env().BROKER_RATE_LIMIT_PER_MINUTE} times this minute.`,
      rate.retryAfterSeconds,
    );
  }
  assertServable(identity);
  const token = await accessTokenFor(identity, body.min_valid_seconds ?? 0);
  metrics().workloadExchanges.inc({ issuer: issuerHost(policy.issuer), outcome: "ok" });
  await db().$executeRaw`UPDATE workload_policies SET last_used_at = now() WHERE id = ${policy.id}::uuid`;
  await db().$executeRaw`UPDATE service_identities SET last_used_at = now() WHERE id = ${identity.id}::uuid`;
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
    },
  });
  return { ...tokenAnswer(identity, token), issued_token_type: ISSUED };
}
