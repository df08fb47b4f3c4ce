// A restricted caller's other doors to the gateway. Anaplan Connect, with a key restricted to one export:
// `-auth <portal>/anaplan-auth` logs in with the key as the password and gets a token good only at the gateway, and
// `-service <portal>/api/v1/anaplan` sends its Integration API calls there. And a keyless job whose trusted-workload
// policy is restricted: its token exchange hands out a gateway token, never the Anaplan one. Each request is the one Connect's Feign client sends
// (anaplan-java-client: AnaplanAPI's request lines on `-service` + "/2/0", `Content-Type: application/json` on
// every call, AuthTokenInjector's `AUTHORIZATION: AnaplanAuthToken {token}`, X-AConnect-Client, okhttp's agent).
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { POST as authenticateRoute } from "@/app/anaplan-auth/token/authenticate/route";
import { POST as tokenRoute } from "@/app/api/v1/token/route";
import { createApiKey, keyFields } from "@/lib/broker/keys";
import { CACHE_MS } from "@/lib/gateway/callers";
import { policyForm, setLimits } from "@/lib/gateway/policies";
import { flushCalls } from "@/lib/gateway/record";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { addPolicy } from "@/lib/workloads/policies";
import { policyFields } from "@/lib/workloads/schemas";
import { USERS } from "@/simulator/accounts";
import { MODELS } from "@/simulator/integration";
import { setUpTestDatabase } from "../helpers/db.ts";
import { startGateway } from "../helpers/gateway.ts";
import { closeIssuers, githubClaims, startIssuer } from "../helpers/oidc-issuer.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { enrolledIdentity, setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();
publishEnv({ WORKLOAD_ISSUER_ALLOW_HTTP: "1", NEXTAUTH_URL: "http://localhost:3000" });
after(closeIssuers);
// What the script passes as -service, with the trailing slash Connect's own examples have.
const SERVICE = `${await startGateway()}/`;
const CONNECT_HEADERS = {
  "Content-Type": "application/json",
  "X-AConnect-Client": "Anaplan_Connect_4.3.1",
  "User-Agent": "okhttp/4.12.0",
  "Accept-Encoding": "gzip",
};

test("Anaplan Connect runs its one export and reads the file; another export is refused by rule", async () => {
  const actors = await setUpTeams("gwac");
  const identity = await enrolledIdentity(sim, actors.admin, "gwac-a", "connect-ledger");
  await db().serviceIdentity.update({ where: { id: identity.id }, data: { approvedByAnaplanId: USERS.service.id } });
  const { key } = await createApiKey(actors.admin, "gwac-a", identity.id, keyFields.parse({ name: "connect" }));
  const keyId = (await db().apiKey.findFirstOrThrow({ where: { identityId: identity.id } })).id;
  const [model] = MODELS;
  const policy = policyForm.parse({ restricted: "on", [`model:${model.id}`]: "on", moreObjects: "116000000001" });
  await setLimits(actors.admin, "gwac-a", identity.id, "key", keyId, policy);
  await sleep(CACHE_MS + 50);

  const login = await authenticateRoute(
    new Request("http://portal.test/anaplan-auth/token/authenticate", {
      method: "POST",
      headers: {
        ...CONNECT_HEADERS,
        AUTHORIZATION: `Basic ${Buffer.from(`service@simulator.example:${key}`).toString("base64")}`,
        "Content-Length": "0",
      },
    }),
  );
  assert.equal(login.status, 201);
  const token: string = (await login.json()).tokenInfo.tokenValue;
  assert.match(token, /^atg_/, "a restricted key's login is good only at the gateway");

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${SERVICE}/2/0${path}`, {
      method,
      headers: { ...CONNECT_HEADERS, AUTHORIZATION: `AnaplanAuthToken ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) };
  };
  const me = await call("GET", "/users/me");
  assert.equal(me.status, 200, me.text);
  const userId: string = me.json().user.id;
  assert.equal((await call("GET", `/users/${userId}/workspaces?offset=0`)).json().workspaces.length, 2);
  assert.ok(
    (await call("GET", `/users/${userId}/models?offset=0`))
      .json()
      .models.some((m: { id: string }) => m.id === model.id),
  );
  const inModel = `/workspaces/${model.workspaceId}/models/${model.id}`;
  assert.equal((await call("GET", `${inModel}/exports?offset=0`)).status, 200);
  const task = (await call("POST", `${inModel}/exports/116000000001/tasks`, { localeName: "en_US" })).json().task;
  assert.equal(
    (await call("GET", `${inModel}/exports/116000000001/tasks/${task.taskId}`)).json().task.taskState,
    "COMPLETE",
  );
  assert.equal((await call("GET", `${inModel}/files?offset=0`)).status, 200);
  const chunks = (await call("GET", `${inModel}/files/116000000001/chunks`)).json().chunks;
  assert.deepEqual(chunks, [{ id: "0", name: "Chunk 0" }]);
  assert.match((await call("GET", `${inModel}/files/116000000001/chunks/0`)).text, /^Account,Period,Value\n/);

  const refused = await call("POST", `${inModel}/exports/116000000000/tasks`, { localeName: "en_US" });
  assert.equal(refused.status, 403);
  assert.deepEqual([refused.json().error, refused.json().rule], ["outside_policy", "object"]);
});

test("a restricted trusted workload's exchange hands out a gateway token, held to the workload's limits", async () => {
  const actors = await setUpTeams("gwwl");
  const identity = await enrolledIdentity(sim, actors.admin, "gwwl-a", "keyless-ledger");
  const github = await startIssuer();
  const fields = { name: "ledger job", preset: "github", issuer: github.issuer, conditions: "repository=acme/ledger" };
  await addPolicy(actors.admin, "gwwl-a", identity.id, policyFields.parse(fields));
  const workload = await db().workloadPolicy.findFirstOrThrow({ where: { identityId: identity.id } });
  const [model] = MODELS;
  const limits = policyForm.parse({ restricted: "on", [`model:${model.id}`]: "on", readOnly: "on" });
  await setLimits(actors.admin, "gwwl-a", identity.id, "workload", workload.id, limits);

  const answer = await tokenRoute(
    new Request("http://portal.test/api/v1/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: await github.mint(githubClaims("acme/ledger")),
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        audience: identity.id,
      }).toString(),
    }),
  );
  const body = await answer.json();
  assert.equal(answer.status, 200, JSON.stringify(body));
  assert.equal(body.issued_token_type, "urn:anaplan-token-portal:token-type:gateway");
  assert.match(body.access_token, /^atg_/);
  const atAnaplan = await fetch(`${sim.simulator.urls.api}/2/0/users/me`, {
    headers: { Authorization: `AnaplanAuthToken ${body.access_token}` },
  });
  assert.equal(atAnaplan.status, 401, "Anaplan does not know it");

  const through = (method: string, path: string) =>
    fetch(`${SERVICE}2/0/workspaces/${model.workspaceId}/models/${model.id}${path}`, {
      method,
      headers: { Authorization: `AnaplanAuthToken ${body.access_token}`, "Content-Type": "application/json" },
      ...(method === "GET" ? {} : { body: "{}" }),
    });
  assert.equal((await through("GET", "/exports")).status, 200);
  const refused = await through("POST", "/exports/116000000001/tasks");
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).rule, "read_only");
  await flushCalls();
  const recorded = await db().gatewayCall.findMany({ where: { identityId: identity.id }, orderBy: { id: "asc" } });
  assert.deepEqual(
    recorded.map((c) => [c.method, c.status, c.keyId, c.workloadPolicyId]),
    [
      ["GET", 200, null, workload.id],
      ["POST", 403, null, workload.id],
    ],
  );
});
