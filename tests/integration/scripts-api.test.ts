// The scripts' API on node:http beside Next (lib/server/scripts-api.ts), as the portal serves it: the broker and the
// auth service answer from the same route functions as Next's handlers, with the portal's security headers, a body
// over the limit is refused with its 413 (the socket kept to say so), and anything else goes on to Next.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createApiKey, keyFields } from "@/lib/broker/keys";
import { publishEnv } from "@/lib/platform/env";
import { setUpTestDatabase } from "../helpers/db.ts";
import { startGateway } from "../helpers/gateway.ts";
import { sendLargeBody } from "../helpers/large-body.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { enrolledIdentity, setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();
publishEnv({ BROKER_RATE_LIMIT_PER_MINUTE: "100000" });
const base = (await startGateway()).replace(/\/api\/v1\/anaplan$/, "");

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

  const refused = await sendLargeBody(`${base}/api/v1/token`, key, 64 * 2 ** 20, { declare: false });
  assert.equal(refused.status, 413);
  assert.equal(refused.error, "request_too_large");
  assert.equal((await fetch(`${base}/api/v1/token`)).status, 404, "a GET is not the broker's: Next answers it");
  assert.equal((await fetch(`${base}/teams`)).status, 404);
});
