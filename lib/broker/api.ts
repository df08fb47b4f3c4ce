// The one place the public API's route handlers go through: the key becomes a caller (or a 401), the handler's
// answer goes out as no-store JSON, and every failure becomes a stable { error, message } with its status.
import "server-only";
import type { z } from "zod";
import { readBounded } from "@/lib/platform/bounded-body";
import { isAppError } from "@/lib/platform/errors";
import { type Failure, failureOf, failureResponse, NO_STORE } from "@/lib/platform/failure";
import { metrics } from "@/lib/platform/metrics";
import { type RequestContext, requestContextOf } from "@/lib/platform/request-context";
import { withRequestId } from "@/lib/platform/request-id";
import { authenticate, type Caller } from "./caller";
import { BrokerError } from "./errors";
import { BROKER_ERRORS } from "./schemas";

/** Room for a rejected token (a JWT can be several KB); anything larger is refused unread. */
const MAX_BODY_BYTES = 16_384;
const CREDENTIAL_PARAMS = new Set(["key", "api_key", "apikey", "token", "access_token", "authorization"]);
/** Anything shaped like the start of a portal key, wherever in the query it stands. */
const KEY_LIKE = /atp_[0-9A-Za-z]{8,}/;

/** URLs end up in proxies' and servers' logs: a credential there is refused, whatever its case or place. */
export const credentialsInUrl = (url: string) =>
  [...new URL(url).searchParams].some(
    ([name, value]) => CREDENTIAL_PARAMS.has(name.toLowerCase()) || KEY_LIKE.test(name) || KEY_LIKE.test(value),
  );

/** Every failure, in the public API's vocabulary: a portal error with no code there is a fault, answered as one. */
function toResponse(failure: unknown, body?: (f: Failure) => unknown): Response {
  const foreign = isAppError(failure) && !(failure.code in BROKER_ERRORS);
  const f = failureOf(
    foreign ? new Error("an error the public API has no code for", { cause: failure }) : failure,
    "public API",
  );
  metrics().brokerRequests.inc({ outcome: f.code });
  const challenge: Record<string, string> =
    f.code === "invalid_key" ? { "WWW-Authenticate": 'Bearer realm="anaplan-token-portal"' } : {};
  return failureResponse(f, challenge, body);
}

/** The body's bytes, or request_too_large. */
async function bodyText(request: Request): Promise<string> {
  // Most scripts send no body: skip the stream machinery for it (a measurable share of the hot path).
  const bytes =
    request.body === null || request.headers.get("content-length") === "0"
      ? new Uint8Array()
      : await readBounded(request, MAX_BODY_BYTES);
  if (bytes === undefined) {
    throw new BrokerError(
      "request_too_large",
      `The request body is over ${MAX_BODY_BYTES} bytes; send at most {"min_valid_seconds": …, "rejected_token": …}.`,
    );
  }
  return Buffer.from(bytes).toString("utf8");
}

/** `body` checked against `schema`, or invalid_request naming the first field at fault. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  throw new BrokerError("invalid_request", `Invalid request body: ${where}${issue?.message ?? "invalid"}.`);
}

/** The optional body: JSON, or (for OAuth clients, RFC 8693) form-encoded when `form` allows; empty means {}. */
export async function readBody(request: Request, form = false): Promise<unknown> {
  const text = await bodyText(request);
  if (text.trim() === "") return {};
  if (form && (request.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BrokerError("invalid_request", 'The request body must be JSON, e.g. {"min_valid_seconds": 300}.');
  }
}

/** The optional JSON body, parsed with `schema`; empty means {}. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  return parseBody(schema, await readBody(request));
}

/**
 * One call to the portal's public API (the broker, the Anaplan-compatible auth service): its request id on every
 * log line and on the answer, credentials in the URL refused, and every failure answered in the API's vocabulary,
 * shaped by `failureBody`, and counted.
 */
export function publicCall(
  request: Request,
  run: (context: RequestContext) => Promise<Response>,
  failureBody?: (f: Failure) => unknown,
): Promise<Response> {
  return withRequestId(request.headers, async (id) => {
    let response: Response;
    try {
      if (credentialsInUrl(request.url)) {
        throw new BrokerError(
          "invalid_request",
          "Credentials in the URL are refused (URLs end up in logs). Send them in the Authorization header instead.",
        );
      }
      response = await run(requestContextOf(request.headers));
      metrics().brokerRequests.inc({ outcome: "ok" });
    } catch (error) {
      response = toResponse(error, failureBody);
    }
    response.headers.set("X-Request-Id", id);
    return response;
  });
}

export function withApiKey(
  request: Request,
  handle: (caller: Caller, context: RequestContext) => Promise<unknown>,
): Promise<Response> {
  return publicCall(request, async (context) => {
    const caller = await authenticate(request.headers.get("authorization"));
    return Response.json(await handle(caller, context), { headers: NO_STORE });
  });
}
