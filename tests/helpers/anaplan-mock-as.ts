// A scriptable stand-in for Anaplan's hosts in unit tests: a real HTTP server on 127.0.0.1 that records every
// request and answers each one with the next scripted reply. The three Anaplan hosts are path prefixes here, so
// a test can also see which host a call went to.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { AnaplanError, type AnaplanErrorKind } from "@/lib/anaplan";

export type Recorded = { method: string; path: string; headers: IncomingHttpHeaders; text: string; json: unknown };

/** An object body is sent as JSON; a string or Buffer as is; a function takes over the exchange. */
export type Reply =
  | { status?: number; headers?: Record<string, string>; body?: unknown }
  | ((req: IncomingMessage, res: ServerResponse) => void);

export type MockAs = Awaited<ReturnType<typeof startMockAs>>;

export async function startMockAs() {
  const requests: Recorded[] = [];
  const queue: Reply[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, text, json: parse(text) });
    const reply = queue.shift() ?? { status: 500, body: { error: "unscripted_request" } };
    if (typeof reply === "function") return reply(req, res);
    const { body } = reply;
    const raw =
      typeof body === "string" || Buffer.isBuffer(body) ? body : body === undefined ? "" : JSON.stringify(body);
    res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
    res.end(raw);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    endpoints: { oauthUrl: `${base}/oauth-host`, apiUrl: `${base}/api-host`, authUrl: `${base}/auth-host` },
    requests,
    script(...replies: Reply[]) {
      requests.length = 0;
      queue.length = 0;
      queue.push(...replies);
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A random 40+ character value that must never show up in an error. */
export function sentinel(label: string): string {
  return `${label}-SENTINEL-${randomBytes(20).toString("hex")}`;
}

/** Awaits a rejection that must be an AnaplanError of `kind` whose every rendering is free of `secrets`. */
export async function rejectsWith(
  promise: Promise<unknown>,
  kind: AnaplanErrorKind,
  secrets: string[] = [],
): Promise<AnaplanError> {
  const error = await promise.then(
    () => assert.fail(`expected an AnaplanError of kind ${kind}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AnaplanError, `expected AnaplanError, got ${inspect(error)}`);
  assert.equal(error.kind, kind, error.message);
  const renderings = [error.message, String(error), inspect(error, { depth: 5 }), JSON.stringify(error)];
  for (const secret of secrets) {
    for (const text of renderings) assert.ok(!text.includes(secret), `error leaks a secret: ${text}`);
  }
  return error;
}

/** GET /2/0/users/me as Anaplan documents it (help.anaplan.com "Retrieve your user"). */
export const documentedUser = {
  meta: { schema: "https://api.anaplan.com/2/0/objects/user" },
  status: { code: 200, message: "Success" },
  user: {
    id: "8a8b844a477d5da70147d150ee080b17",
    active: true,
    email: "a.user@anaplan.com",
    emailOptIn: true,
    firstName: "A",
    lastName: "User",
    customerId: "8b81da6f5fb6b75701604d6c950c05b1",
    lastLoginDate: "2017-09-07T08:05:37.000+0000",
  },
};
