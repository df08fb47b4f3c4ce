// Anaplan Connect through the portal, with a key restricted to one export: `-auth <portal>/anaplan-auth` logs in
// with the key as the password and gets a token good only at the gateway, and `-service <portal>/api/v1/anaplan`
// sends its Integration API calls there. Each request is the one Connect's Feign client sends
// (anaplan-java-client: AnaplanAPI's request lines on `-service` + "/2/0", `Content-Type: application/json` on
// every call, AuthTokenInjector's `AUTHORIZATION: AnaplanAuthToken {token}`, X-AConnect-Client, okhttp's agent).
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { POST as authenticateRoute } from "@/app/anaplan-auth/token/authenticate/route";
import { createApiKey, keyFields } from "@/lib/broker/keys";
import { CACHE_MS } from "@/lib/gateway/callers";
import { policyForm, setKeyPolicy } from "@/lib/gateway/policies";
import { serveGateway } from "@/lib/gateway/serve";
import { db } from "@/lib/platform/db";
import { stampPeerAddresses } from "@/lib/platform/request-context";
import { USERS } from "@/simulator/accounts";
import { MODELS } from "@/simulator/integration";
import { setUpTestDatabase } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { enrolledIdentity, setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();
stampPeerAddresses();
const stopGateway = serveGateway();
const server = http.createServer((_req, res) => res.writeHead(404).end());
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
after(async () => {
  await stopGateway();
  await new Promise((resolve) => server.close(resolve));
});
// What the script passes as -service, with the trailing slash Connect's own examples have.
const SERVICE = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/anaplan/`;
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
  await setKeyPolicy(actors.admin, "gwac-a", identity.id, keyId, policy);
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
