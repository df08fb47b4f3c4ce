// anaplan-portal against a running portal and its Anaplan (the simulator, in the portal's tests). Run by
// tests/e2e/clients.spec.ts, which creates the identities and keys through the portal's pages and sets
// ANAPLAN_PORTAL_URL, ANAPLAN_PORTAL_KEY, ANAPLAN_API_URL, ANAPLAN_AUTH_URL, ANAPLAN_PORTAL_BIN (the installed CLI)
// and SHORT_LIVED_KEY (a key of an identity whose tokens last seconds).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { gatewayFetch, PortalError, platformToken, portalFetch, TokenSource } from "anaplan-portal";

const run = promisify(execFile);
const { ANAPLAN_API_URL: API, ANAPLAN_AUTH_URL: AUTH, ANAPLAN_PORTAL_BIN: BIN, SHORT_LIVED_KEY } = process.env;
const ME = `${API}/2/0/users/me`;

/** Counts the calls this process makes to the portal. */
function countingPortalCalls() {
  const original = globalThis.fetch;
  const counter = { calls: 0, restore: () => (globalThis.fetch = original) };
  globalThis.fetch = (input, init) => {
    if (String(input).startsWith(process.env.ANAPLAN_PORTAL_URL)) counter.calls++;
    return original(input, init);
  };
  return counter;
}

const endAtAnaplan = (token) =>
  fetch(`${AUTH}/token/logout`, { method: "POST", headers: { Authorization: `AnaplanAuthToken ${token}` } });

// First: its identity's first token lasts 20 s from its enrolment, just before this file runs.
test("the CLI: exec keeps ANAPLAN_TOKEN_FILE current while a command outlives its token", async () => {
  // The command reads the file each second, calls Anaplan with what it finds, and reports what it saw.
  const command = `
    const fs = require("node:fs");
    const seen = [];
    const started = Date.now();
    const tick = async () => {
      const token = fs.readFileSync(process.env.ANAPLAN_TOKEN_FILE, "utf8");
      const me = await fetch(process.argv[1], { headers: { Authorization: "AnaplanAuthToken " + token } });
      seen.push({ token, status: me.status });
      if (Date.now() - started < 14000) setTimeout(tick, 1000);
      else console.log(JSON.stringify({ first: process.env.ANAPLAN_TOKEN, seen }));
    };
    tick();`;
  const { stdout } = await run(BIN, ["exec", "--", process.execPath, "-e", command, ME], {
    env: { ...process.env, ANAPLAN_PORTAL_KEY: SHORT_LIVED_KEY },
    timeout: 60_000,
  });
  const { first, seen } = JSON.parse(stdout);
  assert.equal(seen[0].token, first, "ANAPLAN_TOKEN is the file's first token");
  assert.deepEqual(
    seen.filter((s) => s.status !== 200),
    [],
    "every call the command made was accepted",
  );
  assert.ok(new Set(seen.map((s) => s.token)).size >= 2, "the token was renewed during the command");
  await assert.rejects(run(BIN, ["exec", "--", "/nonexistent/command"]), (error) => error.code === 127);
});

test("portalFetch calls Anaplan with the identity's token, cached across calls", async () => {
  const counter = countingPortalCalls();
  try {
    const anaplan = portalFetch();
    const first = await anaplan(ME);
    assert.equal(first.status, 200);
    assert.equal((await first.json()).user.email, "service@simulator.example");
    assert.equal((await anaplan(ME)).status, 200);
    assert.equal(counter.calls, 1);
  } finally {
    counter.restore();
  }
});

test("concurrent callers share one request to the portal", async () => {
  const counter = countingPortalCalls();
  try {
    const source = new TokenSource();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => source.token()));
    assert.equal(new Set(tokens).size, 1);
    assert.equal(counter.calls, 1);
  } finally {
    counter.restore();
  }
});

test("a 401 from Anaplan renews the token and retries once", async () => {
  const anaplan = portalFetch();
  assert.equal((await anaplan(ME)).status, 200);
  await endAtAnaplan(await anaplan.source.token());
  const again = await anaplan(ME);
  assert.equal(again.status, 200);
});

test("a refused key is a PortalError with the portal's code and words", async () => {
  await assert.rejects(new TokenSource({ key: `atp_AAAAAAAAAAAA_${"A".repeat(43)}` }).token(), (error) => {
    assert.ok(error instanceof PortalError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "invalid_key");
    assert.match(error.message, /Authorization: Bearer/);
    return true;
  });
  assert.throws(() => new TokenSource({ portalUrl: "", key: "" }), /ANAPLAN_PORTAL_URL/);
});

test("the CLI: token prints one that works, whoami shows the identity", async () => {
  const { stdout } = await run(BIN, ["token"]);
  const me = await fetch(ME, { headers: { Authorization: `AnaplanAuthToken ${stdout.trim()}` } });
  assert.equal(me.status, 200);
  const who = JSON.parse((await run(BIN, ["whoami"])).stdout);
  assert.equal(who.state, "active");
  assert.equal(typeof who.name, "string");
  await assert.rejects(run(BIN, ["token"], { env: { ...process.env, ANAPLAN_PORTAL_KEY: "" } }), (error) => {
    assert.equal(error.code, 1);
    assert.match(error.stderr, /ANAPLAN_PORTAL_KEY/);
    return true;
  });
});

// Keyless: ANAPLAN_PORTAL_IDENTITY trusts GitHub workflows, and ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN stand in for
// GitHub's token service, as in a job with `permissions: id-token: write`.
test("keyless: a workload source exchanges the job's GitHub token, and no key is needed", async () => {
  const source = new TokenSource({
    key: undefined,
    workload: {
      identity: process.env.ANAPLAN_PORTAL_IDENTITY,
      subjectToken: platformToken("github-actions", { audience: process.env.ANAPLAN_PORTAL_URL }),
    },
  });
  const me = await portalFetch(source)(ME);
  assert.equal(me.status, 200);
  assert.equal((await me.json()).user.email, "service@simulator.example");
  await assert.rejects(source.whoami(), /whoami needs ANAPLAN_PORTAL_KEY/);
});

test("keyless: the CLI's --github-actions prints a token with no ANAPLAN_PORTAL_KEY set", async () => {
  const { ANAPLAN_PORTAL_KEY: _key, ...env } = process.env;
  const { stdout } = await run(BIN, ["token", "--github-actions", "--identity", process.env.ANAPLAN_PORTAL_IDENTITY], {
    env,
  });
  const me = await fetch(ME, { headers: { Authorization: `AnaplanAuthToken ${stdout.trim()}` } });
  assert.equal((await me.json()).user.email, "service@simulator.example");
});

test("keyless: --gitlab reads its id_tokens variable and --kubernetes its projected token file", async () => {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const path = await import("node:path");
  const os = await import("node:os");
  // The job token the stand-in hands out, placed where GitLab and the kubelet would put one.
  const jwt = await platformToken("github-actions", { audience: process.env.ANAPLAN_PORTAL_URL })();
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "projected-")), "token");
  writeFileSync(file, `${jwt}\n`);
  const { ANAPLAN_PORTAL_KEY: _key, ...env } = process.env;
  const identity = ["--identity", process.env.ANAPLAN_PORTAL_IDENTITY];
  for (const [args, extra] of [
    [["token", "--gitlab", ...identity], { ANAPLAN_PORTAL_ID_TOKEN: jwt }],
    [["--kubernetes", "--token-file", file, ...identity, "token"], {}],
  ]) {
    const { stdout } = await run(BIN, args, { env: { ...env, ...extra } });
    const me = await fetch(ME, { headers: { Authorization: `AnaplanAuthToken ${stdout.trim()}` } });
    assert.equal((await me.json()).user.email, "service@simulator.example", args.join(" "));
  }
});

test("gatewayFetch runs an export through the gateway and streams a chunk up and the file down", async () => {
  const { ANAPLAN_WORKSPACE_ID: ws, ANAPLAN_MODEL_ID: model } = process.env;
  const base = `https://api.anaplan.com/2/0/workspaces/${ws}/models/${model}`;
  const anaplan = gatewayFetch();
  const json = { "Content-Type": "application/json" };
  const run = await anaplan(`${base}/exports/116000000000/tasks`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ localeName: "en_US" }),
  });
  assert.equal(run.status, 200);
  const { task } = await run.json();
  const status = await (await anaplan(`${base}/exports/116000000000/tasks/${task.taskId}`)).json();
  assert.equal(status.task.taskState, "COMPLETE");
  assert.match(await (await anaplan(`${base}/files/116000000000`)).text(), /^Account,Period,Value\n/);

  const lines = Array.from({ length: 5000 }, (_, i) => `A${i},${i}\n`).join("");
  await anaplan(`${base}/files/113000000000`, { method: "POST", headers: json, body: '{"chunkCount":1}' });
  const streamed = new Blob([lines]).stream();
  const put = await anaplan(`${base}/files/113000000000/chunks/0`, {
    method: "PUT",
    headers: { "Content-Type": "application/octet-stream" },
    body: streamed,
    duplex: "half",
  });
  assert.equal(put.status, 204);
  assert.equal(await (await anaplan(`${base}/files/113000000000/chunks/0`)).text(), lines);
  assert.equal(
    anaplan.gatewayUrl(`${base}/files?limit=5000`),
    `${process.env.ANAPLAN_PORTAL_URL}/api/v1/anaplan/2/0/workspaces/${ws}/models/${model}/files?limit=5000`,
  );
});
