// Anaplan (or what stands in front of it) misbehaving where the refresh tests do not look: starting a device
// authorization, and asking /users/me who approved an enrolment or who is signed in. Every answer is bounded (10 s,
// 64 KB, parsed by a schema); the admin gets a sentence, nothing half-made is stored, and tokens already issued are
// never dropped because the profile call failed.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setDefaultTimeoutMs } from "@/lib/anaplan";
import { pollDueEnrolments } from "@/lib/enrolments/poll";
import { startEnrolment } from "@/lib/enrolments/start";
import { getEnrolmentView } from "@/lib/enrolments/view";
import { createGrant } from "@/lib/grants/store";
import { createIdentity } from "@/lib/identities/manage";
import { identityFields } from "@/lib/identities/schemas";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { loadAnaplanProfile } from "@/lib/users/profile";
import type { Fault } from "@/simulator/control";
import { setUpTestDatabase } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator({ deviceInterval: 1 });
const actors = await setUpTeams("ha");

type Answer = Omit<Fault, "endpoint" | "count"> | { slowMs: number };
/** What a broken Anaplan, a proxy or a captive portal can answer instead of the real thing. */
const ANSWERS: [string, Answer][] = [
  ["a 10 MB body", { status: 200, body: "huge" }],
  ["an HTML page with 200", { status: 200, body: "html" }],
  ["plain text", { status: 200, body: "text" }],
  ["an empty 200", { status: 200, body: "empty" }],
  ["a cut connection", { status: 200, body: "close" }],
  ["an HTML outage page", { status: 503, body: "html" }],
  ["a JSON array", { status: 200, body: "json", json: [1, 2, 3] }],
  ["an object missing every field", { status: 200, body: "json", json: {} }],
  [
    "fields of the wrong types",
    {
      status: 200,
      body: "json",
      json: { device_code: 5, user_code: ["A"], verification_uri: {}, expires_in: "x", interval: null, user: 7 },
    },
  ],
  ["an answer later than the client's timeout", { slowMs: 1500 }],
];

async function misbehave(endpoint: Fault["endpoint"], answer: Answer) {
  if ("slowMs" in answer) {
    setDefaultTimeoutMs(300);
    await sim.operator.slowNext({ endpoint, count: 1, ms: answer.slowMs });
  } else {
    await sim.operator.failNext({ endpoint, count: 1, ...answer });
  }
}

let n = 0;
async function newIdentity(expectedEmail?: string) {
  // Each case starts up to two enrolments; the admin's 10 a minute is tested elsewhere (identities.test.ts).
  await db().$executeRaw`DELETE FROM rate_limit_counters WHERE bucket = ${`enrol:${actors.admin.userId}`}`;
  return createIdentity(actors.admin, "ha-a", identityFields.parse({ name: `hostile-${++n}`, expectedEmail }));
}

describe("starting a device authorization", () => {
  const cases: [string, Answer][] = [
    ...ANSWERS,
    [
      "a verification link to another site",
      {
        status: 200,
        body: "json",
        json: {
          device_code: "d".repeat(40),
          user_code: "ABCD-EFGH",
          verification_uri: "https://evil.example/activate",
          expires_in: 900,
          interval: 5,
        },
      },
    ],
  ];
  for (const [what, answer] of cases) {
    test(`${what}: a clear error, and no enrolment is stored`, async () => {
      const identity = await newIdentity();
      await misbehave("device_code", answer);
      try {
        await assert.rejects(startEnrolment(actors.admin, "ha-a", identity.id), (error: unknown) => {
          assert.ok(error instanceof AppError, String(error));
          assert.equal(error.code, "provider_unavailable");
          assert.match(error.userMessage, /^Anaplan (did not start|answered with an unexpected verification link)/);
          return true;
        });
      } finally {
        setDefaultTimeoutMs(10_000);
      }
      assert.equal(await db().enrolment.count({ where: { identityId: identity.id } }), 0, "nothing half-made");
      // Anaplan back to normal: the next click works.
      const enrolmentId = await startEnrolment(actors.admin, "ha-a", identity.id);
      assert.equal((await getEnrolmentView(actors.admin, "ha-a", enrolmentId)).status, "pending");
    });
  }
});

/** An enrolment approved at Anaplan whose /users/me answers `answer`, polled to its end. */
async function approvedWhileProfileFails(answer: Answer, expectedEmail?: string) {
  const identity = await newIdentity(expectedEmail);
  const enrolmentId = await startEnrolment(actors.admin, "ha-a", identity.id);
  const { userCode } = await getEnrolmentView(actors.admin, "ha-a", enrolmentId);
  await sim.operator.approve(userCode ?? "", "service");
  await db().enrolment.update({ where: { id: enrolmentId }, data: { nextPollAt: new Date() } });
  await misbehave("users_me", answer);
  try {
    assert.equal(await pollDueEnrolments({ onlyId: enrolmentId }), 1);
  } finally {
    setDefaultTimeoutMs(10_000);
  }
  const enrolment = await db().enrolment.findUniqueOrThrow({ where: { id: enrolmentId } });
  assert.ok(enrolment.grantId, "the tokens Anaplan issued are kept");
  const grant = await db().grant.findUniqueOrThrow({ where: { id: enrolment.grantId } });
  assert.equal(grant.status, "active");
  assert.ok(grant.refreshToken && grant.refreshToken.length > 0);
  return { identity, enrolment };
}

describe("asking /users/me who approved an enrolment", () => {
  for (const [what, answer] of ANSWERS) {
    test(`${what}: with an expected account, held for the admin's decision with the tokens kept`, async () => {
      const { enrolment } = await approvedWhileProfileFails(answer, "service@simulator.example");
      assert.equal(enrolment.status, "mismatch");
      assert.match(enrolment.error ?? "", /Could not confirm which Anaplan account approved/);
    });
  }
  test("without an expected account, the enrolment completes; the approver is simply not known", async () => {
    const { identity, enrolment } = await approvedWhileProfileFails({ status: 200, body: "huge" });
    assert.equal(enrolment.status, "approved");
    assert.equal(enrolment.approvedByEmail, null);
    const switched = await db().serviceIdentity.findUniqueOrThrow({ where: { id: identity.id } });
    assert.equal(switched.grantId, enrolment.grantId);
  });
});

describe("asking /users/me for the signed-in user's profile", () => {
  for (const [what, answer] of ANSWERS) {
    test(`${what}: the profile page says Anaplan did not answer, and the session's grant is untouched`, async () => {
      const tokens = await sim.deviceTokens(sim.simulator.clients.device.id, "admin");
      const grantId = await createGrant({
        kind: "user",
        clientId: sim.simulator.clients.device.id,
        oauthUrl: sim.endpoints.oauthUrl,
        tokens,
      });
      await misbehave("users_me", answer);
      try {
        assert.deepEqual(await loadAnaplanProfile(grantId), {
          ok: false,
          reauthenticate: false,
          message: "Anaplan did not return your profile. Try again in a minute.",
        });
      } finally {
        setDefaultTimeoutMs(10_000);
      }
      assert.equal((await db().grant.findUniqueOrThrow({ where: { id: grantId } })).status, "active");
      const again = await loadAnaplanProfile(grantId);
      assert.ok(again.ok && again.anaplan.email === "admin@simulator.example", JSON.stringify(again));
    });
  }
});
