// The gateway through the handler the portal serves (node:http, as in production), against a real Postgres and
// the simulator's Integration API: forwarding, streaming both ways, the 401 refresh, key policies refused before
// Anaplan is called, the restricted key's other doors, and the record (pages, CSV, retention, append-only).
import assert from "node:assert/strict";
import http from "node:http";
import { before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { authenticateBasic } from "@/lib/anaplan-auth/service";
import { authenticateKey } from "@/lib/broker/caller";
import { issueToken } from "@/lib/broker/issue";
import { createApiKey, keyFields } from "@/lib/broker/keys";
import { activityFilters, readActivity, streamActivityCsv } from "@/lib/gateway/activity";
import { CACHE_MS } from "@/lib/gateway/callers";
import { policyChoices, policyForm, setLimits } from "@/lib/gateway/policies";
import type { AccessPolicy } from "@/lib/gateway/policy";
import { flushCalls, pruneGatewayCalls } from "@/lib/gateway/record";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { metrics } from "@/lib/platform/metrics";
import type { Actor } from "@/lib/teams/access";
import { MODELS } from "@/simulator/integration";
import { setUpTestDatabase } from "../helpers/db.ts";
import { startGateway } from "../helpers/gateway.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { type Actors, enrolledIdentity, setUpTeams } from "../helpers/team.ts";
import { until } from "../helpers/until.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();
publishEnv({ GATEWAY_RATE_LIMIT_PER_MINUTE: "100000" });

const gateway = await startGateway();

const [budget, forecast] = MODELS;
const WS = budget.workspaceId;
const M = budget.id;
const base = `2/0/workspaces/${WS}/models/${M}`;
const context = { ip: "198.51.100.7", userAgent: "test" };

async function call(path: string, key: string, init: RequestInit = {}) {
  const response = await fetch(`${gateway}/${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${key}`, ...(init.headers as Record<string, string>) },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const json = response.headers.get("content-type")?.includes("json") ? JSON.parse(bytes.toString() || "null") : null;
  return { status: response.status, headers: response.headers, bytes, json };
}
const integrationCalls = async () => (await sim.operator.counters()).integration;
/** A policy change reaches the gateway within CACHE_MS (it keeps callers that long). */
const setPolicy = async (
  actor: Actor,
  slug: string,
  identityId: string,
  keyId: string,
  policy: AccessPolicy | null,
) => {
  await setLimits(actor, slug, identityId, "key", keyId, policy);
  await sleep(CACHE_MS + 50);
};

describe("the gateway", () => {
  let actors: Actors;
  let identity: Awaited<ReturnType<typeof enrolledIdentity>>;
  let open: string;
  let restricted: string;
  let restrictedKeyId: string;

  before(async () => {
    actors = await setUpTeams("gw");
    identity = await enrolledIdentity(sim, actors.admin, "gw-a", "nightly-ledger");
    open = (await createApiKey(actors.admin, "gw-a", identity.id, keyFields.parse({ name: "open" }))).key;
    const made = await createApiKey(actors.admin, "gw-a", identity.id, keyFields.parse({ name: "ledger" }));
    restricted = made.key;
    restrictedKeyId = (await db().apiKey.findFirstOrThrow({ where: { name: "ledger", identityId: identity.id } })).id;
  });

  test("forwards method, path and query with the identity's token, and returns Anaplan's answer", async () => {
    const direct = await fetch(`${sim.simulator.urls.api}/2/0/workspaces?tenantDetails=true`, {
      headers: { Authorization: `AnaplanAuthToken ${identity.tokens.accessToken}` },
    });
    const through = await call("2/0/workspaces?tenantDetails=true", open, { headers: { Cookie: "next-auth=x" } });
    assert.equal(through.status, 200);
    assert.deepEqual(through.json, await direct.json());
    assert.match(through.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    const models = await call(`2/0/workspaces/${WS}/models`, open);
    assert.deepEqual(
      models.json.models.map((m: { id: string }) => m.id),
      [budget.id, forecast.id],
    );
  });

  test("streams a chunked upload and the download back, byte for byte, and records sizes", async () => {
    const chunk = (i: number) => Buffer.alloc(3 * 1024 * 1024, i + 1);
    const file = `${base}/files/113000000000`;
    const json = { "Content-Type": "application/json" };
    const start = await call(file, open, { method: "POST", headers: json, body: JSON.stringify({ chunkCount: 3 }) });
    assert.equal(start.status, 200);
    for (const i of [0, 1, 2]) {
      const put = await call(`${file}/chunks/${i}`, open, {
        method: "PUT",
        headers: { "Content-Type": "application/octet-stream" },
        body: chunk(i),
      });
      assert.equal(put.status, 204);
    }
    assert.equal((await call(`${file}/complete`, open, { method: "POST", headers: json, body: "{}" })).status, 200);
    const whole = await call(file, open);
    assert.deepEqual(whole.bytes, Buffer.concat([chunk(0), chunk(1), chunk(2)]));
    assert.deepEqual((await call(`${file}/chunks/1`, open)).bytes, chunk(1));
    await flushCalls();
    const puts = await db().gatewayCall.findMany({ where: { identityId: identity.id, method: "PUT" } });
    assert.equal(puts.length, 3);
    assert.ok(puts.every((p) => Number(p.bytesIn) === 3 * 1024 * 1024 && p.status === 204));
    assert.equal(
      puts[0]?.pathTemplate,
      "2/0/workspaces/{workspaceId}/models/{modelId}/files/{fileId}/chunks/{chunkId}",
    );
    assert.equal(puts[0]?.objectId, "113000000000");
  });

  test("a script that goes away mid-download: Anaplan's answer is ended, and the call recorded as cut off (499)", async () => {
    await sim.operator.setDefaults({ integrationBytesPerSecond: 1_000_000 });
    try {
      await new Promise<void>((resolve, reject) => {
        const request = http.get(`${gateway}/${base}/files/113000000000`, {
          headers: { Authorization: `Bearer ${open}` },
        });
        request.once("response", (response) =>
          response.once("data", () => {
            request.destroy();
            resolve();
          }),
        );
        request.once("error", reject);
      });
      await until(async () => {
        await flushCalls();
        return (await db().gatewayCall.count({ where: { identityId: identity.id, status: 499 } })) === 1;
      }, "the cut-off call to be recorded");
    } finally {
      await sim.operator.setDefaults({ integrationBytesPerSecond: 0 });
    }
    const cut = await db().gatewayCall.findFirstOrThrow({ where: { identityId: identity.id, status: 499 } });
    assert.ok(Number(cut.bytesOut) < 9 * 1024 * 1024, "not the whole file");
    assert.equal((await call(`${base}/exports`, open)).status, 200, "the gateway goes on serving");
  });

  test("a 401 from Anaplan refreshes the token once and sends a request without a body again", async () => {
    const held = await issueToken(await authenticateKey(open), { minValidSeconds: 0 }, context);
    // The tenant ends the access token (as a logout does); the refresh token still works.
    await fetch(`${sim.simulator.urls.auth}/token/logout`, {
      method: "POST",
      headers: { Authorization: `AnaplanAuthToken ${held.access_token}` },
    });
    const refreshes = (await sim.operator.counters()).token[identity.deviceClientId]?.refresh_token ?? 0;
    const answer = await call(`${base}/exports`, open);
    assert.equal(answer.status, 200);
    assert.equal((await sim.operator.counters()).token[identity.deviceClientId]?.refresh_token, refreshes + 1);
  });

  test("a restricted key runs its one export and downloads its file; everything else is refused by rule", async () => {
    const form = policyForm.parse({ restricted: "on", [`model:${M}`]: "on", moreObjects: "116000000001" });
    await setPolicy(actors.admin, "gw-a", identity.id, restrictedKeyId, form);
    const run = await call(`${base}/exports/116000000001/tasks`, restricted, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ localeName: "en_US" }),
    });
    assert.equal(run.status, 200);
    const task = await call(`${base}/exports/116000000001/tasks/${run.json.task.taskId}`, restricted);
    assert.equal(task.json.task.taskState, "COMPLETE");
    assert.equal((await call(`${base}/files`, restricted)).status, 200);
    const file = await call(`${base}/files/116000000001`, restricted);
    assert.match(file.bytes.toString(), /^Account,Period,Value\n/);

    const seen = await integrationCalls();
    const refusals = [
      [`${base}/exports/116000000000/tasks`, "POST", "object"],
      [`${base}/files/113000000000/chunks/0`, "PUT", "object"],
      [`${base}/imports/112000000000/tasks`, "POST", "object"],
      [`2/0/workspaces/${WS}/models/${forecast.id}/files`, "GET", "model"],
      [`2/0/workspaces/${WS}`, "GET", "model"],
      [`2/0/models/${M}/lists`, "GET", "object"],
    ] as const;
    for (const [path, method, rule] of refusals) {
      const answer = await call(path, restricted, { method, ...(method !== "GET" && { body: "{}" }) });
      assert.equal(answer.status, 403, path);
      assert.equal(answer.json.error, "outside_policy");
      assert.equal(answer.json.rule, rule, path);
      assert.ok(answer.json.message.length > 20);
    }
    assert.equal(await integrationCalls(), seen, "no refused call reached Anaplan");

    const readOnly = policyForm.parse({ restricted: "on", readOnly: "on" });
    await setPolicy(actors.admin, "gw-a", identity.id, restrictedKeyId, readOnly);
    const post = await call(`${base}/exports/116000000001/tasks`, restricted, { method: "POST", body: "{}" });
    assert.equal(post.json.rule, "read_only");
    assert.equal((await call(`${base}/exports`, restricted)).status, 200);
    await setPolicy(actors.admin, "gw-a", identity.id, restrictedKeyId, form);
  });

  test("a restricted key is refused a token, and the auth service hands it a token good only at the gateway", async () => {
    await assert.rejects(issueToken(await authenticateKey(restricted), { minValidSeconds: 0 }, context), {
      code: "key_restricted",
    });
    const basic = `Basic ${Buffer.from(`ledger:${restricted}`).toString("base64")}`;
    const login = await authenticateBasic(basic, context);
    const handed = login.tokenInfo.tokenValue;
    assert.match(handed, /^atg_/);
    const atAnaplan = await fetch(`${sim.simulator.urls.api}/2/0/workspaces`, {
      headers: { Authorization: `AnaplanAuthToken ${handed}` },
    });
    assert.equal(atAnaplan.status, 401, "Anaplan does not know it");
    const through = await fetch(`${gateway}/${base}/exports/116000000001/tasks`, {
      headers: { Authorization: `AnaplanAuthToken ${handed}` },
    });
    assert.equal(through.status, 200);
    const refused = await fetch(`${gateway}/${base}/exports/116000000000/tasks`, {
      headers: { Authorization: `AnaplanAuthToken ${handed}` },
    });
    assert.equal(refused.status, 403);
  });

  test("bad paths and credentials are refused with a sentence", async () => {
    for (const path of ["3/0/workspaces", "2/0/workspaces/a%2Fb", "2/0//workspaces", "2/0/a;b"]) {
      const answer = await call(path, open);
      assert.equal(answer.status, 400, path);
      assert.equal(answer.json.error, "invalid_request");
    }
    assert.equal((await call("2/0/workspaces", "atp_nope")).json.error, "invalid_key");
    assert.equal((await call(`2/0/workspaces?api_key=${open}`, open)).json.error, "invalid_request");
  });

  test("the editor lists the identity's models and one model's objects, read with its token", async () => {
    const choices = await policyChoices(actors.admin, "gw-a", identity.id, M);
    assert.ok(choices.ok);
    assert.deepEqual(
      choices.models.map((m) => m.name),
      MODELS.map((m) => m.name),
    );
    assert.deepEqual(
      choices.inspected?.objects.exports.map((e) => e.id),
      ["116000000000", "116000000001"],
    );
    await assert.rejects(policyChoices(actors.member, "gw-a", identity.id, undefined), { code: "forbidden" });
    assert.throws(() => policyForm.parse({ restricted: "on", moreObjects: "export-1" }), /12 digits/);
  });

  test("the record: keyset pages, filters, CSV, retention, and no update", async () => {
    await flushCalls();
    const page = await readActivity(actors.member, "gw-a", identity.id, activityFilters.parse({}));
    assert.ok(page.rows.length > 10);
    const refused = await readActivity(
      actors.member,
      "gw-a",
      identity.id,
      activityFilters.parse({ outcome: "refused" }),
    );
    assert.ok(refused.rows.length >= 7 && refused.rows.every((r) => r.error !== null));
    const row = refused.rows.find((r) => r.method === "PUT");
    assert.equal(row?.status, 403);
    assert.equal(row?.clientIp, "127.0.0.1");
    assert.match(row?.key ?? "", /^ledger \(atp_/);
    const csv = await streamActivityCsv(
      actors.member,
      "gw-a",
      identity.id,
      activityFilters.parse({ object: "116000000001" }),
    );
    const bytes = Buffer.from(await new Response(csv.stream).arrayBuffer());
    const text = bytes.toString("utf8");
    assert.match(text, /^\uFEFFat,method,path/);
    assert.match(text, /POST,2\/0\/workspaces\/\{workspaceId\}\/models\/\{modelId\}\/exports\/\{exportId\}\/tasks/);
    const counted = await metrics().registry.getSingleMetricAsString("portal_gateway_calls_total");
    assert.match(counted, /portal_gateway_calls_total\{method="POST",outcome="outside_policy"\} [1-9]/);
    assert.match(counted, /portal_gateway_calls_total\{method="PUT",outcome="2xx"\} 3/);
    const moved = await metrics().registry.getSingleMetricAsString("portal_gateway_bytes_total");
    assert.match(moved, /direction="in"\} [1-9]\d{6,}/, "the 9 MB uploaded");
    await assert.rejects(db().$executeRaw`UPDATE gateway_calls SET status = 200`, /append-only/);
    await assert.rejects(db().$executeRaw`DELETE FROM gateway_calls`, /append-only/);
    await db().$executeRaw`ALTER TABLE gateway_calls DISABLE TRIGGER gateway_calls_append_only`;
    await db().$executeRaw`UPDATE gateway_calls SET at = now() - interval '40 days' WHERE method = 'PUT'`;
    await db().$executeRaw`ALTER TABLE gateway_calls ENABLE TRIGGER gateway_calls_append_only`;
    const before = await db().gatewayCall.count();
    assert.ok((await pruneGatewayCalls(30)) >= 3);
    assert.equal(await db().gatewayCall.count({ where: { method: "PUT", status: 204 } }), 0);
    assert.ok((await db().gatewayCall.count()) < before);
  });
});
