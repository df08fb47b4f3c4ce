// The gateway: `/api/v1/anaplan/<path>` → `<identity's API host>/<path>`. The script's credential (its key, or a
// token the auth service handed out) names the identity; the key's policy judges the call from its method and
// path before anything reaches Anaplan; the identity's cached token goes in the script's credential's place; and
// both bodies stream through. A 401 from Anaplan refreshes the token once, under the grant's lease, and a request
// without a body is sent again. Every call, refused or not, is recorded when its answer ends.
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { endpoint } from "@/lib/anaplan/urls";
import { credentialsInUrl } from "@/lib/broker/api";
import { BrokerError } from "@/lib/broker/errors";
import { accessTokenFor, assertServable, touchLastUsed } from "@/lib/broker/issue";
import { env } from "@/lib/platform/env";
import { failureOf, NO_STORE } from "@/lib/platform/failure";
import { metrics } from "@/lib/platform/metrics";
import { type RequestContext, requestContextOf } from "@/lib/platform/request-context";
import { withRequestId } from "@/lib/platform/request-id";
import { forgetIdentity, type GatewayCaller, gatewayCaller } from "./callers";
import { forwardedHeaders, hasBody, returnedHeaders, send, UpstreamError } from "./forward";
import { type Refusal, refusalOf } from "./policy";
import { recordCall } from "./record";
import { type CallShape, shapeOf } from "./shape";

export const GATEWAY_PREFIX = "/api/v1/anaplan/";

/** A token served to the gateway keeps at least this long: a large transfer's requests outlive its start. */
const MIN_VALID_SECONDS = 120;

class PolicyRefusal extends BrokerError {
  constructor(readonly refusal: Refusal) {
    super("outside_policy", refusal.message);
  }
}

/** What one call did, filled in as it goes and recorded when its answer ends. */
type Progress = {
  caller?: GatewayCaller;
  shape?: CallShape;
  status?: number;
  error?: string;
  bytesIn: number;
  bytesOut: number;
};

const headerGetter = (req: IncomingMessage) => ({
  get: (name: string) => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : (value ?? null);
  },
});

export function handleGateway(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const at = new Date();
  const headers = headerGetter(req);
  const context = requestContextOf(headers);
  const progress: Progress = { bytesIn: 0, bytesOut: 0 };
  res.once("close", () => finish(req, res, progress, context, at, started));
  return withRequestId(headers, async (requestId) => {
    res.setHeader("X-Request-Id", requestId);
    try {
      await forward(req, res, progress, context, requestId);
    } catch (error) {
      fail(res, progress, error);
    }
  });
}

async function forward(
  req: IncomingMessage,
  res: ServerResponse,
  progress: Progress,
  context: RequestContext,
  requestId: string,
) {
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://gateway");
  if (credentialsInUrl(url.href)) {
    throw new BrokerError("invalid_request", "Credentials in the URL are refused (URLs end up in logs).");
  }
  // Anaplan Connect joins `-service` and `/2/0` with a slash of its own: `…/anaplan//2/0/…` means the same.
  const shape = shapeOf(url.pathname.slice(GATEWAY_PREFIX.length).replace(/^\/+/, ""));
  progress.shape = shape;
  let caller = await gatewayCaller(req.headers.authorization);
  progress.caller = caller;
  const refusal = caller.policy && refusalOf(caller.policy, method, shape);
  if (refusal) throw new PolicyRefusal(refusal);
  assertServable(caller);
  let token = await accessTokenFor(caller, MIN_VALID_SECONDS);
  const { keyId } = caller;
  if (keyId) void touchLastUsed({ ...caller, keyId }, context).catch(() => {});

  const target = new URL(endpoint(caller.apiUrl, `/${shape.path}${url.search}`));
  const idleMs = env().GATEWAY_IDLE_TIMEOUT_SECONDS * 1000;
  const replayable = !hasBody(req.headers);
  if (replayable) req.resume();
  else req.on("data", (chunk: Buffer) => (progress.bytesIn += chunk.length));
  const attempt = () =>
    send(target, method, forwardedHeaders(req.headers, token.accessToken, requestId), replayable ? null : req, idleMs);
  let upstream = await attempt();
  if (upstream.statusCode === 401) {
    // Anaplan refused the token: read the grant again (another call may have refreshed it already), refresh it
    // under the lease unless so (once for everyone who reports it), and send again what has no body.
    const refused = token.accessToken;
    forgetIdentity(caller.id);
    caller = await gatewayCaller(req.headers.authorization, true);
    assertServable(caller);
    const renewed = accessTokenFor(caller, MIN_VALID_SECONDS, refused);
    if (replayable) {
      upstream.resume();
      token = await renewed;
      upstream = await attempt();
    } else {
      void renewed.catch(() => {});
    }
  }
  progress.status = upstream.statusCode ?? 502;
  // A script that went away leaves nobody to read Anaplan's answer: end it, instead of holding its socket open.
  if (res.destroyed) return void upstream.destroy();
  res.once("close", () => res.writableFinished || upstream.destroy());
  res.writeHead(progress.status, returnedHeaders(upstream.headers));
  upstream.on("data", (chunk: Buffer) => (progress.bytesOut += chunk.length));
  upstream.once("error", () => res.destroy());
  upstream.pipe(res);
}

function fail(res: ServerResponse, progress: Progress, error: unknown) {
  const failure = failureOf(
    error instanceof UpstreamError
      ? new BrokerError("provider_unavailable", `Anaplan did not answer the gateway: ${error.message}.`, 5)
      : error,
    "gateway",
  );
  progress.status = failure.status;
  progress.error = failure.code;
  if (res.headersSent) return void res.destroy();
  const body = {
    error: failure.code,
    message: failure.message,
    ...(error instanceof PolicyRefusal && { rule: error.refusal.rule }),
  };
  res.writeHead(failure.status, {
    "Content-Type": "application/json",
    ...NO_STORE,
    ...(failure.retryAfter !== undefined && { "Retry-After": String(failure.retryAfter) }),
    ...(failure.code === "invalid_key" && { "WWW-Authenticate": 'Bearer realm="anaplan-token-portal"' }),
  });
  res.end(JSON.stringify(body));
}

function finish(
  req: IncomingMessage,
  res: ServerResponse,
  progress: Progress,
  context: RequestContext,
  at: Date,
  started: number,
) {
  // An answer cut off midway (the script went away, Anaplan's stream broke) is recorded as such.
  const status = res.writableFinished ? (progress.status ?? 500) : 499;
  const outcome = progress.error ?? `${Math.floor(status / 100)}xx`;
  const m = metrics();
  m.gatewayCalls.inc({ method: req.method ?? "GET", outcome });
  m.gatewayBytes.inc({ direction: "in" }, progress.bytesIn);
  m.gatewayBytes.inc({ direction: "out" }, progress.bytesOut);
  const { caller, shape } = progress;
  if (!caller || !shape) return;
  recordCall({
    at,
    identityId: caller.id,
    keyId: caller.keyId,
    workloadPolicyId: caller.workloadPolicyId,
    method: req.method ?? "GET",
    pathTemplate: shape.template,
    workspaceId: shape.workspaceId,
    modelId: shape.modelId,
    objectId: shape.objectId,
    status,
    error: progress.error ?? null,
    bytesIn: progress.bytesIn,
    bytesOut: progress.bytesOut,
    durationMs: Math.round(performance.now() - started),
    clientIp: context.ip,
  });
}
