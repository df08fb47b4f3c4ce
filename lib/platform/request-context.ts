// Who is calling, as far as the request can tell: the client address and user agent, for the audit trail and the
// per-address limits. The address comes from the chain "X-Forwarded-For entries, then the socket's peer", read
// TRUSTED_PROXY_HOPS entries from the right: 0 (the default) is the socket itself, so a client cannot choose the
// address by sending the header; 1 is what the one reverse proxy in front (nginx, as in compose and the cluster)
// appended. Next.js keeps a client's X-Forwarded-For as sent, so the server stamps each request's socket address
// into PEER_HEADER (stampPeerAddresses), overwriting anything a client put there.
import http from "node:http";
import { isIP } from "node:net";
import { env } from "@/lib/platform/env";

export type RequestContext = { ip: string | null; userAgent: string | null };

export const PEER_HEADER = "x-portal-peer-address";

const clip = (value: string | null | undefined, max: number) => {
  const text = value?.replace(/[\p{Cc}]/gu, "").trim();
  return text ? text.slice(0, max) : null;
};

/** An IP address in the form people search for (IPv4 peers of a dual-stack socket show as ::ffff:a.b.c.d), or null. */
function address(text: string | undefined): string | null {
  const plain = text?.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1") ?? "";
  return isIP(plain) ? plain : null;
}

export function requestContextOf(headers: Pick<Headers, "get">, hops = env().TRUSTED_PROXY_HOPS): RequestContext {
  const chain = [...(headers.get("x-forwarded-for")?.split(",") ?? []), headers.get(PEER_HEADER) ?? ""];
  return {
    ip: address(chain[Math.max(0, chain.length - 1 - hops)]),
    userAgent: clip(headers.get("user-agent"), 256),
  };
}

/** Answers a request itself (true), or leaves it to Next.js (false). */
export type Interceptor = (request: http.IncomingMessage, response: http.ServerResponse) => boolean;
let interceptor: Interceptor | undefined;

/**
 * Every HTTP request this process serves carries its socket's peer address in PEER_HEADER (set at start-up), and
 * then goes to the interceptor, if one is set (the gateway, once boot is done), before Next.js sees it.
 */
export function stampPeerAddresses() {
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      request.headers[PEER_HEADER] = request.socket.remoteAddress ?? "";
      if (interceptor?.(request, args[1] as http.ServerResponse)) return true;
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}

export function interceptRequests(handler: Interceptor | undefined) {
  interceptor = handler;
}
