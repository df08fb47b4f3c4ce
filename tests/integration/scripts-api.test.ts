// The scripts' API on node:http beside Next (lib/server/scripts-api.ts), as the portal serves it: the broker and the
// auth service answer from the same route functions as Next's handlers, with the portal's security headers, a body
// over the limit is refused with its 413 (the socket kept to say so), and anything else goes on to Next.
import assert from "node:assert/strict";
import http from "node:http";
import { test } from "node:test";
import { createApiKey, keyFields } from "@/lib/broker/keys";
import { publishEnv } from "@/lib/platform/env";
import { setUpTestDatabase } from "../helpers/db.ts";
import { startGateway } from "../helpers/gateway.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { enrolledIdentity, setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();
publishEnv({ BROKER_RATE_LIMIT_PER_MINUTE: "100000" });
const base = (await startGateway()).replace(/\/api\/v1\/anaplan$/, "");

/** A POST whose body (`bytes` in 1 MB pieces, chunked) keeps coming until the server answers. */
function oversized(path: string, key: string, bytes: number) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(`${base}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", "Transfer-Encoding": "chunked" },
    });
    let answered = false;
    request.on("response", async (response) => {
      answered = true;
      let body = "";
      for await (const part of response) body += part;
      request.destroy();
      resolve({ status: response.statusCode ?? 0, body });
    });
    request.on("error", (error) => answered || reject(error));
    const piece = Buffer.alloc(2 ** 20, 0x20);
    let sent = 0;
    const pump = () => {
      while (!answered && sent < bytes) {
        sent += piece.length;
        if (!request.write(piece)) return void request.once("drain", pump);
      }
      if (!answered) request.end();
    };
    pump();
  });
}

test("the broker and the auth service answer on node:http, with the portal's headers; the rest goes to Next", async () => {
  const actors = await setUpTeams("sapi");
  const identity = await enrolledIdentity(sim, actors.admin, "sapi-a", "scripts");
  const { key } = await createApiKey(actors.admin, "sapi-a", identity.id, keyFields.parse({ name: "k" }));
  const token = await fetch(`${base}/api/v1/token`, { method: "POST", headers: { Authorization: `Bearer ${key}` } });
  assert.equal(token.status, 200);
  const body = await token.json();
  assert.equal(body.token_type, "AnaplanAuthToken");
  assert.equal(token.headers.get("cache-control"), "no-store");
  assert.equal(token.headers.get("x-content-type-options"), "nosniff");
  assert.match(token.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
  assert.match(token.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);

  const me = await fetch(`${base}/api/v1/identity?x=1`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal((await me.json()).identity.id, identity.id);
  const validate = await fetch(`${base}/anaplan-auth/token/validate`, {
    headers: { Authorization: `AnaplanAuthToken ${body.access_token}` },
  });
  assert.equal(validate.status, 401, "the broker's token was not handed out by the auth service");
  assert.equal((await validate.json()).status, "FAILURE_BAD_CREDENTIAL");

  const refused = await oversized("/api/v1/token", key, 64 * 2 ** 20);
  assert.equal(refused.status, 413);
  assert.equal(JSON.parse(refused.body).error, "request_too_large");
  assert.equal((await fetch(`${base}/api/v1/token`)).status, 404, "a GET is not the broker's: Next answers it");
  assert.equal((await fetch(`${base}/teams`)).status, 404);
});
