// Certificate identities against a real Postgres and the simulator's CA-certificate auth host: the key made and
// sealed here, the CSR signed by the simulator's CA, the token served by the broker and the Anaplan-compatible auth
// service, one authentication for a storm, every malformed upload a sentence, revocation shredding the key.
import assert from "node:assert/strict";
import { createSign, generateKeyPairSync } from "node:crypto";
import { before, describe, test } from "node:test";
import { POST as authenticateRoute } from "@/app/anaplan-auth/token/authenticate/route";
import { POST as tokenRoute } from "@/app/api/v1/token/route";
import { certificateNonce, certificatePayload, getCurrentUser } from "@/lib/anaplan";
import { createApiKey, keyFields } from "@/lib/broker/keys";
import { x509 } from "@/lib/certificates/x509";
import {
  importCertificate,
  requestCertificate,
  testCertificate,
  uploadCertificate,
} from "@/lib/identities/certificate";
import { refreshDueIdentityGrants } from "@/lib/identities/keep-alive";
import { revokeIdentityTokens } from "@/lib/identities/lifecycle";
import { listIdentities } from "@/lib/identities/list";
import { createIdentity } from "@/lib/identities/manage";
import { identityFields, listQuery } from "@/lib/identities/schemas";
import { teamSummary } from "@/lib/identities/summary";
import { announceExpiries } from "@/lib/notify/expiring";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { rotateKeys } from "@/lib/vault/rotate";
import { USERS } from "@/simulator/accounts";
import { externalKeyPair } from "../helpers/certificates.ts";
import { setUpTestDatabase } from "../helpers/db.ts";
import { dumpDatabase } from "../helpers/dump.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { type Actors, setUpTeams } from "../helpers/team.ts";

const dbUrl = await setUpTestDatabase();
const sim = await setUpSimulator();
publishEnv({ BROKER_RATE_LIMIT_PER_MINUTE: "100000" });

const SLUG = "certs-a";
const DAY_MS = 86_400_000;

async function askToken(key: string) {
  const response = await tokenRoute(
    new Request("http://portal.test/api/v1/token", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "x-portal-peer-address": "198.51.100.7" },
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function certificateIdentity(actors: Actors, name: string, email = USERS.sso.email, extra = {}) {
  return createIdentity(
    actors.admin,
    SLUG,
    identityFields.parse({ name, kind: "certificate", expectedEmail: email, ...extra }),
  );
}

/** The sentences an upload was refused with (it must be refused). */
async function refusal(promise: Promise<unknown>, what = ""): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const fields = (error as { fieldErrors?: Record<string, string[]> }).fieldErrors;
    return (
      Object.values(fields ?? {})
        .flat()
        .join(" ") || (error as Error).message
    );
  }
  assert.fail(`the upload was accepted: ${what}`);
}

const externalPair = (email: string, options: Parameters<typeof sim.operator.signCsr>[1] = {}) =>
  externalKeyPair(sim.operator, email, options);

describe("certificate identities", () => {
  let actors: Actors;
  let identityId: string;
  let key: string;

  before(async () => {
    actors = await setUpTeams("certs");
    const identity = await certificateIdentity(actors, "sso-nightly");
    identityId = identity.id;
  });

  test("generate: a sealed RSA-3072 key and a CSR for the account; upload the CA's certificate; test says who", async () => {
    const csr = await requestCertificate(actors.admin, SLUG, identityId);
    const parsed = new x509.Pkcs10CertificateRequest(csr);
    assert.ok(await parsed.verify());
    assert.equal((parsed.publicKey.algorithm as RsaHashedKeyAlgorithm).modulusLength, 3072);
    assert.deepEqual(parsed.subjectName.getField("E"), [USERS.sso.email]);
    const san = parsed.extensions.find((e) => e instanceof x509.SubjectAlternativeNameExtension);
    assert.deepEqual(san?.names.toJSON(), [{ type: "email", value: USERS.sso.email }]);
    const row = await db().certificate.findFirstOrThrow({ where: { identityId } });
    assert.equal(row.status, "pending");
    assert.ok(!(await dumpDatabase(dbUrl)).includes("PRIVATE KEY"), "the key is sealed, never stored in the clear");

    const { certificate } = await sim.operator.signCsr(csr);
    const checked = await uploadCertificate(actors.admin, SLUG, identityId, { certificate });
    assert.equal(checked.email, USERS.sso.email);
    const identity = await db().serviceIdentity.findUniqueOrThrow({
      where: { id: identityId },
      include: { grant: true },
    });
    assert.equal(identity.grant?.method, "certificate");
    assert.equal(
      identity.grant?.refreshTokenExpiresAt?.getTime(),
      checked.notAfter.getTime(),
      "the chain ends with the certificate",
    );
    assert.equal(identity.listState, "active");

    const tested = await testCertificate(actors.admin, SLUG, identityId);
    assert.deepEqual(tested, { email: USERS.sso.email, name: "Sam Single-Sign-On", matches: true });
  });

  test("scripts see no difference: the broker and the Anaplan-compatible auth service serve the token, the API takes it", async () => {
    key = (await createApiKey(actors.admin, SLUG, identityId, keyFields.parse({ name: "etl host" }))).key;
    const answer = await askToken(key);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const me = await getCurrentUser(sim.endpoints, String(answer.body.access_token));
    assert.equal(me.email, USERS.sso.email, "an SSO account, which the device grant refuses");

    const connect = await authenticateRoute(
      new Request("http://portal.test/anaplan-auth/token/authenticate", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          AUTHORIZATION: `Basic ${Buffer.from(`batch:${key}`).toString("base64")}`,
          "x-portal-peer-address": "198.51.100.9",
        },
      }),
    );
    assert.equal(connect.status, 201);
    const body = (await connect.json()) as { tokenInfo: { tokenValue: string } };
    assert.equal(body.tokenInfo.tokenValue, answer.body.access_token, "one cached token per identity");
  });

  test("a storm of 50 scripts needing a new token makes one authentication at Anaplan", async () => {
    const identity = await db().serviceIdentity.findUniqueOrThrow({ where: { id: identityId } });
    await db().grant.update({
      where: { id: identity.grantId ?? "" },
      data: { accessToken: null, accessTokenExpiresAt: null },
    });
    const before = (await sim.operator.counters()).certificateAuthenticate;
    const answers = await Promise.all(Array.from({ length: 50 }, () => askToken(key)));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.equal(new Set(answers.map((a) => a.body.access_token)).size, 1);
    assert.equal((await sim.operator.counters()).certificateAuthenticate - before, 1);
  });

  test("every malformed upload is refused with a sentence, and nothing is stored", async () => {
    const other = await certificateIdentity(actors, "malformed", USERS.service.email);
    const csr = await requestCertificate(actors.admin, SLUG, other.id);
    const rows = await db().certificate.count();
    const signed = (options: Parameters<typeof sim.operator.signCsr>[1]) =>
      sim.operator.signCsr(csr, options).then((s) => s.certificate);
    const foreign = await externalPair(USERS.service.email);
    const cases: [string, string, RegExp][] = [
      ["not PEM", "hello", /not a PEM certificate/],
      ["damaged", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", /could not be read|not a PEM/],
      ["another key's", foreign.certificate, /not made for this identity's key/],
      [
        "expired",
        await signed({
          notBefore: new Date(Date.now() - 9 * DAY_MS).toISOString(),
          notAfter: new Date(Date.now() - DAY_MS).toISOString(),
        }),
        /expired on/,
      ],
      [
        "not yet valid",
        await signed({ notBefore: new Date(Date.now() + 5 * DAY_MS).toISOString() }),
        /not valid until/,
      ],
      [
        "wrong email",
        await signed({ email: USERS.admin.email }),
        /is for admin@simulator\.example, but this identity expects service@/,
      ],
      ["no signature usage", await signed({ keyUsage: "none" }), /does not allow digital signatures/],
    ];
    for (const [what, certificate, expected] of cases) {
      assert.match(await refusal(uploadCertificate(actors.admin, SLUG, other.id, { certificate })), expected, what);
    }
    const both = await refusal(
      uploadCertificate(actors.admin, SLUG, other.id, {
        certificate: await signed({ email: USERS.admin.email, keyUsage: "none" }),
      }),
    );
    assert.match(both, /is for admin.*digital signatures/s, "all the problems at once");

    const selfSigned = await x509.X509CertificateGenerator.createSelfSigned({
      name: `CN=${USERS.service.email}, E=${USERS.service.email}`,
      keys: foreign.keys,
      signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature)],
    });
    const pkcs8 = foreign.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const imports: [string, Record<string, string>, RegExp][] = [
      ["self-signed", { certificate: selfSigned.toString("pem"), privateKey: pkcs8 }, /self-signed/],
      ["not a key", { certificate: foreign.certificate, privateKey: "nope" }, /not a PEM private key/],
      [
        "encrypted, no passphrase",
        {
          certificate: foreign.certificate,
          privateKey: foreign.privateKey
            .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "s3cret" })
            .toString(),
        },
        /protected by a passphrase/,
      ],
      [
        "wrong passphrase",
        {
          certificate: foreign.certificate,
          passphrase: "wrong",
          privateKey: foreign.privateKey
            .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "s3cret" })
            .toString(),
        },
        /passphrase does not open/,
      ],
      [
        "EC key",
        {
          certificate: foreign.certificate,
          privateKey: generateKeyPairSync("ec", { namedCurve: "P-256" })
            .privateKey.export({ type: "pkcs8", format: "pem" })
            .toString(),
        },
        /RSA keys only/,
      ],
      [
        "short key",
        {
          certificate: foreign.certificate,
          privateKey: generateKeyPairSync("rsa", { modulusLength: 1024 })
            .privateKey.export({ type: "pkcs8", format: "pem" })
            .toString(),
        },
        /2048 bits or more/,
      ],
    ];
    for (const [what, fields, expected] of imports) {
      assert.match(
        await refusal(
          importCertificate(actors.admin, SLUG, other.id, {
            certificate: "",
            privateKey: "",
            passphrase: undefined,
            ...fields,
          }),
          what,
        ),
        expected,
        what,
      );
    }
    assert.equal(await db().certificate.count(), rows, "no refused upload left a row");
    assert.equal((await db().serviceIdentity.findUniqueOrThrow({ where: { id: other.id } })).grantId, null);
  });

  test("import: a passphrase-protected PKCS#8 key and its certificate are sealed on arrival and work", async () => {
    const imported = await certificateIdentity(actors, "imported", USERS.service.email);
    const pair = await externalPair(USERS.service.email);
    const pem = pair.privateKey
      .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "s3cret" })
      .toString();
    await importCertificate(actors.admin, SLUG, imported.id, {
      certificate: pair.certificate,
      privateKey: pem,
      passphrase: "s3cret",
    });
    assert.equal((await testCertificate(actors.admin, SLUG, imported.id)).email, USERS.service.email);
    const clear = pair.privateKey.export({ type: "pkcs8", format: "der" }).toString("base64").slice(40, 100);
    const dump = await dumpDatabase(dbUrl);
    assert.ok(!dump.includes(clear) && !dump.includes("PRIVATE KEY"), "no trace of the key in a dump");
  });

  test("renew: a new CSR leaves the old key working until the new certificate arrives, then the old key is destroyed", async () => {
    const before = await db().certificate.findFirstOrThrow({ where: { identityId, status: "active" } });
    const csr = await requestCertificate(actors.admin, SLUG, identityId);
    assert.equal((await askToken(key)).status, 200, "still served by the old key");
    const later = new Date(Date.now() + 400 * DAY_MS).toISOString();
    await uploadCertificate(actors.admin, SLUG, identityId, {
      certificate: (await sim.operator.signCsr(csr, { notAfter: later })).certificate,
    });
    const old = await db().certificate.findUniqueOrThrow({ where: { id: before.id } });
    assert.equal(old.status, "retired");
    assert.equal(old.privateKey, null);
    const grant = await db().grant.findFirstOrThrow({ where: { identity: { id: identityId } } });
    assert.equal(grant.refreshTokenExpiresAt?.toISOString().slice(0, 10), later.slice(0, 10));
    assert.equal((await testCertificate(actors.admin, SLUG, identityId)).matches, true, "the new key signs");
  });

  test("vault key rotation re-wraps certificate keys, and they still sign", async () => {
    const current = String(process.env.TOKEN_ENCRYPTION_KEYS);
    const [active] = current.split(",");
    const next = `v9:${Buffer.alloc(32, 9).toString("base64")}`;
    publishEnv({ TOKEN_ENCRYPTION_KEYS: `${next},${current}` });
    await rotateKeys();
    const rows = await db().$queryRaw<{ version: number }[]>`
      SELECT get_byte(private_key, 1) * 256 + get_byte(private_key, 2) AS version FROM certificates WHERE private_key IS NOT NULL`;
    assert.ok(rows.length > 0 && rows.every((r) => r.version === 9), `re-wrapped from ${active?.split(":")[0]}`);
    assert.equal((await testCertificate(actors.admin, SLUG, identityId)).matches, true);
  });

  test("expiry: the dashboard, the summary and identity.expiring use 30, 14, 3 and 1 days for a certificate", async () => {
    const soon = await certificateIdentity(actors, "expiring", USERS.service.email);
    const pair = await externalPair(USERS.service.email, {
      notAfter: new Date(Date.now() + 20 * DAY_MS).toISOString(),
    });
    await importCertificate(actors.admin, SLUG, soon.id, {
      certificate: pair.certificate,
      privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      passphrase: undefined,
    });
    const days = async (now: Date) => {
      await announceExpiries(now);
      const rows = await db().auditEvent.findMany({
        where: { action: "identity.expiring", targetId: soon.id },
        orderBy: { id: "asc" },
      });
      return rows.map((r) => (r.details as { withinDays: number }).withinDays);
    };
    const listed = await listIdentities(actors.admin, SLUG, listQuery.parse({ q: "expiring" }));
    assert.deepEqual(
      listed.identities.find((i) => i.id === soon.id)?.expiryWarning,
      { withinDays: 30, severe: false },
      "the dashboard warns by the certificate thresholds (a refresh token's widest is 14)",
    );
    const summary = await teamSummary(actors.admin, SLUG);
    assert.equal(summary.nextExpiries.find((e) => e.id === soon.id)?.warning?.withinDays, 30, "and the team summary");
    assert.deepEqual(await days(new Date()), [30]);
    assert.deepEqual(await days(new Date()), [30], "once per threshold");
    assert.deepEqual(await days(new Date(Date.now() + 7 * DAY_MS)), [30, 14]);
    assert.deepEqual(await days(new Date(Date.now() + 18 * DAY_MS)), [30, 14, 3]);
    assert.deepEqual(await days(new Date(Date.now() + 19.5 * DAY_MS)), [30, 14, 3, 1]);
  });

  test("v1 only where the identity asks for it and the tenant allows it; a refusal needs attention until Test", async () => {
    const v1 = await certificateIdentity(actors, "legacy-v1", USERS.service.email, { certificateFormat: "v1" });
    const pair = await externalPair(USERS.service.email);
    await importCertificate(actors.admin, SLUG, v1.id, {
      certificate: pair.certificate,
      privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      passphrase: undefined,
    });
    await assert.rejects(testCertificate(actors.admin, SLUG, v1.id), /refused this identity's certificate/);
    const grant = await db().grant.findFirstOrThrow({ where: { identity: { id: v1.id } } });
    assert.equal(grant.status, "needs_attention");
    await sim.operator.setCertificates({ allowV1: true });
    try {
      assert.equal((await testCertificate(actors.admin, SLUG, v1.id)).email, USERS.service.email);
    } finally {
      await sim.operator.setCertificates({ allowV1: false });
    }
  });

  test("the simulator applies Anaplan's checks: clock skew, replay, bad signature, unknown CA, expired, unknown account; SSO welcome", async () => {
    const pair = await externalPair(USERS.sso.email);
    const sign = (nonce: Uint8Array) => createSign("sha512").update(nonce).sign(pair.privateKey);
    const call = (certificate: string, body: unknown) =>
      fetch(`${sim.endpoints.authUrl}/token/authenticate`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `CACertificate ${Buffer.from(certificate).toString("base64")}`,
        },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { status: string } }));
    const nonce = certificateNonce("v2");
    const good = certificatePayload("v2", nonce, sign(nonce));
    assert.equal((await call(pair.certificate, good)).status, 201, "an SSO account authenticates");
    assert.equal((await call(pair.certificate, good)).body.status, "FAILURE_NONCE_REPLAYED");
    const stale = certificateNonce("v2", Date.now() - 6 * 60_000);
    assert.equal(
      (await call(pair.certificate, certificatePayload("v2", stale, sign(stale)))).body.status,
      "FAILURE_NONCE_EXPIRED",
    );
    const fresh = certificateNonce("v2");
    const forged = certificatePayload("v2", fresh, sign(certificateNonce("v2")));
    assert.equal((await call(pair.certificate, forged)).body.status, "FAILURE_BAD_SIGNATURE");
    const v1 = certificateNonce("v1");
    assert.equal(
      (await call(pair.certificate, certificatePayload("v1", v1, sign(v1)))).body.status,
      "FAILURE_PAYLOAD_VERSION",
    );
    const selfSigned = await x509.X509CertificateGenerator.createSelfSigned({
      name: `CN=${USERS.sso.email}`,
      keys: pair.keys,
      signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    });
    const other = certificateNonce("v2");
    assert.equal(
      (await call(selfSigned.toString("pem"), certificatePayload("v2", other, sign(other)))).body.status,
      "FAILURE_UNKNOWN_CA",
    );
    for (const [options, expected] of [
      [
        {
          notBefore: new Date(Date.now() - 9 * DAY_MS).toISOString(),
          notAfter: new Date(Date.now() - DAY_MS).toISOString(),
        },
        "FAILURE_CERTIFICATE_EXPIRED",
      ],
      [{ email: "nobody@simulator.example" }, "FAILURE_UNKNOWN_USER"],
    ] as const) {
      const faulty = await externalPair(USERS.sso.email, options);
      const signFaulty = (n: Uint8Array) => createSign("sha512").update(n).sign(faulty.privateKey);
      const n = certificateNonce("v2");
      assert.equal((await call(faulty.certificate, certificatePayload("v2", n, signFaulty(n)))).body.status, expected);
    }
    await sim.operator.setCertificates({ clockSkewSeconds: 600 });
    try {
      const skewed = certificateNonce("v2");
      assert.equal(
        (await call(pair.certificate, certificatePayload("v2", skewed, sign(skewed)))).body.status,
        "FAILURE_NONCE_EXPIRED",
      );
    } finally {
      await sim.operator.setCertificates({ clockSkewSeconds: 0 });
    }
  });

  test("the health sweep validates a certificate identity, and finds a certificate the tenant no longer accepts", async () => {
    const swept = await certificateIdentity(actors, "swept", USERS.service.email);
    const pair = await externalPair(USERS.service.email);
    await importCertificate(actors.admin, SLUG, swept.id, {
      certificate: pair.certificate,
      privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      passphrase: undefined,
    });
    await testCertificate(actors.admin, SLUG, swept.id);
    const grantId = (await db().serviceIdentity.findUniqueOrThrow({ where: { id: swept.id } })).grantId ?? "";
    await db().grant.updateMany({ data: { sweepAfter: new Date(Date.now() + DAY_MS) } });
    await db().grant.update({ where: { id: grantId }, data: { sweepAfter: null } });
    const validations = (await sim.operator.counters()).validate;
    assert.equal(await refreshDueIdentityGrants(), 1);
    assert.equal((await sim.operator.counters()).validate, validations + 1, "its cached token was validated");

    const row = await db().certificate.findFirstOrThrow({ where: { identityId: swept.id, status: "active" } });
    await sim.operator.setCertificates({ revoke: row.fingerprint ?? "" });
    // Due for its periodic re-authentication (half of the unknown TTL's 12 hours, give or take the jitter).
    await db().grant.update({
      where: { id: grantId },
      data: { sweepAfter: null, lastRefreshAt: new Date(Date.now() - 7 * 3600_000) },
    });
    assert.equal(await refreshDueIdentityGrants(), 1);
    const grant = await db().grant.findUniqueOrThrow({ where: { id: grantId } });
    assert.equal(grant.status, "needs_attention");
    assert.match(grant.statusReason ?? "", /refused this identity's certificate/);
    const failed = await db().auditEvent.findFirst({
      where: { action: "grant.refresh", outcome: "failure", targetType: "identity", targetId: swept.id },
    });
    assert.ok(failed, "filed as the grant.refresh failure that identity.needs_attention is sent for");
  });

  test("revoke logs the token out and destroys the key: nothing of it is left", async () => {
    const sealed = await db().certificate.findFirstOrThrow({ where: { identityId, status: "active" } });
    const token = String((await askToken(key)).body.access_token);
    const logouts = (await sim.operator.counters()).logout;
    await revokeIdentityTokens(actors.admin, SLUG, identityId);
    const rows = await db().certificate.findMany({ where: { identityId } });
    assert.ok(rows.every((r) => r.status === "retired" && r.privateKey === null));
    assert.equal((await sim.operator.counters()).logout, logouts + 1, "its token logged out at Anaplan");
    await assert.rejects(getCurrentUser(sim.endpoints, token));
    const dump = await dumpDatabase(dbUrl);
    assert.ok(!dump.includes(Buffer.from(sealed.privateKey ?? []).toString("hex")), "the sealed key is gone");
    assert.ok(!dump.includes(token), "and the token");
    assert.equal((await askToken(key)).status, 401, "its keys are revoked");
  });
});
