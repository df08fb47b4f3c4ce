// Sends due webhook deliveries: claimed with a lease and SKIP LOCKED (any number of workers), signed per Standard
// Webhooks, POSTed with a 10-second timeout and no redirects. A 2xx is delivered; anything else is retried on a
// schedule that spans about a day, then marked failed. Every attempt's status and error stay on the row (the log).
import "server-only";
import { Agent, fetch } from "undici";
import { db } from "@/lib/platform/db";
import { metrics } from "@/lib/platform/metrics";
import { aadFor, vault } from "@/lib/vault";
import { signatureHeaders } from "./signature";
import { allowsPrivateAddresses, assertDeliverableUrl, pinnedLookup, type Resolve, systemResolve } from "./url-policy";

/** Seconds after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; the 8th failure is final (≈ 27 h). */
export const RETRY_SCHEDULE = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
const TIMEOUT_MS = 10_000;

/** What went wrong, for the delivery log: the network error's code where fetch hides it in `cause`. */
function describe(e: unknown) {
  if (!(e instanceof Error)) return "failed";
  const cause = (e.cause as { code?: string; message?: string } | undefined) ?? {};
  return [e.message, cause.code ?? cause.message].filter(Boolean).join(": ").slice(0, 200);
}

/** One connection pool per resolver, whose every connection goes only to addresses the URL policy allows. */
const pinnedAgents = new WeakMap<Resolve, Agent>();
function pinnedAgent(resolve: Resolve) {
  let agent = pinnedAgents.get(resolve);
  if (!agent) {
    agent = new Agent({ connect: { lookup: pinnedLookup(resolve) } });
    pinnedAgents.set(resolve, agent);
  }
  return agent;
}

type Claimed = { id: string; endpointId: string; url: string; secret: Uint8Array; payload: unknown; attempts: number };

/** `resolve` is how host names are looked up, at the policy check and again at connect time. */
export async function deliverDueWebhooks(limit = 20, resolve: Resolve = systemResolve): Promise<number> {
  const claimed = await db().$queryRaw<Claimed[]>`
    UPDATE webhook_deliveries d SET lease_until = now() + interval '30 seconds'
    FROM webhook_endpoints e
    WHERE e.id = d.endpoint_id AND d.id IN (
      SELECT id FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
      ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING d.id, d.endpoint_id AS "endpointId", e.url, e.secret, d.payload, d.attempts`;
  await Promise.all(claimed.map((d) => attempt(d, resolve)));
  return claimed.length;
}

async function attempt(d: Claimed, resolve: Resolve) {
  let status: number | null = null;
  let error: string | null = null;
  try {
    await assertDeliverableUrl(d.url, resolve);
    const secret = await vault().open(d.secret, aadFor("webhook_endpoints", d.endpointId, "secret"));
    const body = JSON.stringify(d.payload);
    const response = await fetch(d.url, {
      method: "POST",
      redirect: "manual",
      ...(allowsPrivateAddresses() ? {} : { dispatcher: pinnedAgent(resolve) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "anaplan-token-portal-webhooks",
        ...signatureHeaders(secret, d.id, Math.floor(Date.now() / 1000), body),
      },
      body,
    });
    status = response.status;
    await response.body?.cancel();
    if (status < 200 || status >= 300) error = `HTTP ${status}`;
  } catch (e) {
    error = describe(e);
  }
  const attempts = d.attempts + 1;
  const delay = RETRY_SCHEDULE[attempts - 1];
  const outcome = error === null ? "delivered" : delay === undefined ? "failed" : "retrying";
  metrics().webhookDeliveries.inc({ result: outcome });
  await db().webhookDelivery.update({
    where: { id: d.id },
    data: {
      attempts,
      lastStatusCode: status,
      lastError: error,
      leaseUntil: null,
      ...(outcome === "delivered" ? { status: "delivered", deliveredAt: new Date(), nextAttemptAt: null } : {}),
      ...(outcome === "failed" ? { status: "failed", nextAttemptAt: null } : {}),
      ...(outcome === "retrying" && delay !== undefined ? { nextAttemptAt: new Date(Date.now() + delay * 1000) } : {}),
    },
  });
}
