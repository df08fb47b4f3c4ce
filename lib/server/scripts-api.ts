// The scripts' API, served on node:http beside Next.js in each instance: the process's HTTP server hands the
// gateway (/api/v1/anaplan/…), the broker (/api/v1/token, /api/v1/identity) and the Anaplan-compatible auth
// service (/anaplan-auth/token/…) to this before Next sees the request. Next's router and web streams cost about
// 3 ms of CPU per request here, more than these calls' whole work (README "The gateway"). The broker's and the
// auth service's routes are the same functions Next's route handlers export, given a web Request built here;
// every other request goes on to Next.
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ANAPLAN_AUTH_ROUTES } from "@/lib/anaplan-auth/routes";
import { BROKER_ROUTES } from "@/lib/broker/routes";
import { flushCounts } from "@/lib/gateway/callers";
import { GATEWAY_PREFIX, handleGateway } from "@/lib/gateway/handler";
import { flushCalls } from "@/lib/gateway/record";
import { log } from "@/lib/platform/log";
import { interceptRequests } from "@/lib/platform/request-context";
import { SECURITY_HEADERS, STATIC_POLICY } from "./auth/csp";

const ROUTES: Record<string, (request: Request) => Promise<Response>> = { ...BROKER_ROUTES, ...ANAPLAN_AUTH_ROUTES };
const HEADERS: [string, string][] = [
  ...SECURITY_HEADERS.map(({ key, value }): [string, string] => [key, value]),
  ["Content-Security-Policy", STATIC_POLICY],
];

/**
 * The request's body as a web stream with backpressure. A route that stops reading (a body over its limit) only
 * pauses it: the rest is discarded by Node once the answer is sent, so the client still gets that answer (a
 * cancelled Readable.toWeb stream would destroy the socket first).
 */
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on("data", (chunk: Buffer) => {
          if (!open) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => open && controller.close());
        req.once("error", (error) => open && controller.error(error));
      },
      pull() {
        req.resume();
      },
      cancel() {
        open = false;
        req.pause();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

/** The node request as the web Request the routes take (the body streamed, never read here). */
function webRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
  // The routes read only the path and query; the Host a client sends is no part of the URL they see.
  return new Request(`http://localhost${req.url ?? "/"}`, {
    method: req.method,
    headers,
    ...(hasBody ? { body: bodyOf(req), duplex: "half" } : {}),
  } as RequestInit);
}

async function serveRoute(route: (request: Request) => Promise<Response>, req: IncomingMessage, res: ServerResponse) {
  try {
    const response = await route(webRequest(req));
    const body = Buffer.from(await response.arrayBuffer());
    for (const [name, value] of HEADERS) res.setHeader(name, value);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(body);
  } catch (error) {
    // The routes answer their own failures; this is a fault of the plumbing (the client went away mid-body).
    log.warn("a scripts' API call failed outside its route", { error });
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
}

/** Starts serving the scripts' API in this process; the stop writes the gateway's last records and counts. */
export function serveScriptsApi(): () => Promise<void> {
  interceptRequests((req, res) => {
    const url = req.url ?? "/";
    if (url.startsWith(GATEWAY_PREFIX)) {
      for (const [name, value] of HEADERS) res.setHeader(name, value);
      void handleGateway(req, res);
      return true;
    }
    const query = url.indexOf("?");
    const route = ROUTES[`${req.method} ${query < 0 ? url : url.slice(0, query)}`];
    if (!route) return false;
    void serveRoute(route, req, res);
    return true;
  });
  return async () => {
    interceptRequests(undefined);
    await Promise.all([flushCalls(), flushCounts()]);
  };
}
