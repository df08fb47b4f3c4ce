// One request to Anaplan's API host, streamed: the script's headers minus the hop-by-hop ones and its
// credentials, the identity's token in their place, the body piped as it arrives (backpressure keeps memory to
// a socket buffer or two, whatever the size). Connections to each host are kept alive and reused.
import "server-only";
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { PEER_HEADER } from "@/lib/platform/request-context";

/** RFC 9110 §7.6.1's hop-by-hop fields, and what is the portal's business, not Anaplan's: the script's credential,
 * the portal's cookies, the proxy chain. */
const NOT_FORWARDED = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "authorization",
  "cookie",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
  PEER_HEADER,
]);
/** Anaplan's cookies mean nothing under the portal's origin, and must not land beside its session cookie. */
const NOT_RETURNED = new Set([...NOT_FORWARDED, "set-cookie", "strict-transport-security"]);

const agentOptions = { keepAlive: true, maxSockets: 256 };
const agents = { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };

function filtered(headers: IncomingHttpHeaders, drop: Set<string>): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase()),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !drop.has(name) && !named.has(name)) out[name] = value;
  }
  return out;
}

export const forwardedHeaders = (headers: IncomingHttpHeaders, accessToken: string, requestId: string) => ({
  ...filtered(headers, NOT_FORWARDED),
  authorization: `AnaplanAuthToken ${accessToken}`,
  "x-request-id": requestId,
});

export const returnedHeaders = (headers: IncomingHttpHeaders) => filtered(headers, NOT_RETURNED);

/** A request carries a body when it says so (a length above 0, or chunked). */
export const hasBody = (headers: IncomingHttpHeaders) =>
  headers["transfer-encoding"] !== undefined || Number(headers["content-length"] ?? 0) > 0;

export class UpstreamError extends Error {
  override name = "UpstreamError";
}

/**
 * Sends the request and resolves with Anaplan's answer once its headers arrive. `idleMs` bounds silence on the
 * socket (no byte either way), not the whole transfer: a 50 MB chunk on a slow line may take minutes.
 */
export function send(
  target: URL,
  method: string,
  headers: OutgoingHttpHeaders,
  body: Readable | null,
  idleMs: number,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = target.protocol === "https:";
    const request = (secure ? https : http).request(target, {
      method,
      headers,
      agent: agents[secure ? "https:" : "http:"],
      timeout: idleMs,
    });
    request.once("response", resolve);
    request.once("timeout", () => request.destroy(new UpstreamError(`no answer from Anaplan in ${idleMs} ms`)));
    request.once("error", (error) => reject(new UpstreamError(error.message, { cause: error })));
    if (!body) {
      request.end();
      return;
    }
    body.once("error", (error) => request.destroy(error));
    body.pipe(request);
  });
}
