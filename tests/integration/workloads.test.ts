// Keyless access: RFC 8693 token exchange through the real route handler, against a real Postgres, the simulator
// and a local OIDC issuer (jose keys, discovery and JWKS on loopback) minting GitHub-, GitLab- and Kubernetes-shaped
// job tokens. Every refusal answers the same 401 invalid_token; the audit says which check refused.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SignJWT, UnsecuredJWT } from "jose";
import { POST as tokenRoute } from "@/app/api/v1/token/route";
import { getCurrentUser } from "@/lib/anaplan";
import { createApiKey, keyFields } from "@/lib/broker/keys";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { metrics } from "@/lib/platform/metrics";
import { addPolicy, removePolicy } from "@/lib/workloads/policies";
import { policyFields } from "@/lib/workloads/schemas";
import { USERS } from "@/simulator/accounts";
import { setUpTestDatabase } from "../helpers/db.ts";
import { closeIssuers, githubClaims, kubernetesClaims, startIssuer } from "../helpers/oidc-issuer.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { type Actors, enrolledIdentity, setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();
after(closeIssuers);
publishEnv({
  BROKER_RATE_LIMIT_PER_MINUTE: "100000",
  WORKLOAD_ISSUER_ALLOW_HTTP: "1",
  WORKLOAD_JWKS_COOLDOWN_SECONDS: "0",
  NEXTAUTH_URL: "http://localhost:3000",
});

const SLUG = "keyless-a";
const EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";

type Answer = { status: number; body: Record<string, unknown> };

async function exchange(fields: Record<string, string>, as: "form" | "json" = "form"): Promise<Answer> {
  const response = await tokenRoute(
    new Request("http://portal.test/api/v1/token", {
      method: "POST",
      headers: {
        "content-type": as === "form" ? "application/x-www-form-urlencoded" : "application/json",
        "x-portal-peer-address": "198.51.100.40",
      },
      body: as === "form" ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const form = (subjectToken: string, audience: string) => ({
  grant_type: EXCHANGE,
  subject_token: subjectToken,
  subject_token_type: JWT_TYPE,
  audience,
});

const policy = (fields: Record<string, string>) =>
  policyFields.parse({ name: "etl on main", preset: "github", ...fields });

describe("keyless: token exchange of a trusted workload's platform JWT", () => {
  let actors: Actors;
  let identity: Awaited<ReturnType<typeof enrolledIdentity>>;
  let github: Awaited<ReturnType<typeof startIssuer>>;

  before(async () => {
    actors = await setUpTeams("keyless");
    identity = await enrolledIdentity(sim, actors.admin, SLUG, "etl");
    github = await startIssuer();
    await addPolicy(
      actors.admin,
      SLUG,
      identity.id,
      policy({ issuer: github.issuer, conditions: "repository=acme/etl\nref=refs/heads/main" }),
    );
  });

  /** The latest refusal's recorded check. */
  const lastCheck = async () =>
    (
      (
        await db().auditEvent.findFirst({
          where: { action: "token.exchange", outcome: "denied" },
          orderBy: { id: "desc" },
        })
      )?.details as { check?: string }
    )?.check;

  test("a matching GitHub job token gets the identity's token, form-encoded or JSON, by id or slug/name", async () => {
    const jwt = await github.mint(githubClaims("acme/etl"));
    const answer = await exchange(form(jwt, identity.id));
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.token_type, "AnaplanAuthToken");
    assert.equal(answer.body.issued_token_type, "urn:ietf:params:oauth:token-type:access_token");
    assert.equal((await getCurrentUser(sim.endpoints, String(answer.body.access_token))).email, USERS.service.email);
    const byName = await exchange(form(await github.mint(githubClaims("acme/etl")), `${SLUG}/etl`), "json");
    assert.equal(byName.status, 200);
    assert.equal(byName.body.access_token, answer.body.access_token, "the same cached token");
    const { audience: _, ...withResource } = { ...form(jwt, ""), resource: identity.id };
    assert.equal((await exchange(withResource)).status, 200);
    const idToken = { ...form(jwt, identity.id), subject_token_type: "urn:ietf:params:oauth:token-type:id_token" };
    assert.equal((await exchange(idToken)).status, 200, "an id_token type is taken too");
    const counted = await metrics().registry.getSingleMetricAsString("portal_workload_exchanges_total");
    assert.match(
      counted,
      new RegExp(`issuer="${new URL(github.issuer).host}",outcome="ok"} [1-9]`),
      "counted per issuer",
    );
    const audited = await db().auditEvent.findFirst({
      where: { action: "token.exchange", outcome: "success" },
      orderBy: { id: "desc" },
    });
    assert.deepEqual((audited?.details as { workload?: Record<string, string> } | undefined)?.workload, {
      iss: github.issuer,
      sub: "repo:acme/etl:ref:refs/heads/main",
      repository: "acme/etl",
      ref: "refs/heads/main",
      workflow_ref: "acme/etl/.github/workflows/etl.yml@refs/heads/main",
      run_id: "8123456789",
      run_attempt: "1",
      actor: "octocat",
    });
    assert.equal(audited?.targetId, identity.id);
  });

  test("API keys keep working unchanged beside it", async () => {
    const { key } = await createApiKey(actors.admin, SLUG, identity.id, keyFields.parse({ name: "old script" }));
    const response = await tokenRoute(
      new Request("http://portal.test/api/v1/token", { method: "POST", headers: { authorization: `Bearer ${key}` } }),
    );
    assert.equal(response.status, 200);
  });

  test("every refusal is the same 401 invalid_token, and the audit names the check", async () => {
    const claims = githubClaims("acme/etl");
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .setIssuer(github.issuer)
      .setAudience("http://localhost:3000")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(JSON.stringify(github.publicJwk())));
    const none = new UnsecuredJWT(claims)
      .setIssuer(github.issuer)
      .setAudience("http://localhost:3000")
      .setIssuedAt()
      .setExpirationTime("5m")
      .encode();
    const other = await startIssuer();
    await github.addKey("unpublished");
    const cases: [string, string, string][] = [
      ["wrong issuer", await other.mint(claims, { iss: "https://token.actions.githubusercontent.com.evil" }), "issuer"],
      ["another issuer's key", await other.mint(claims, { iss: github.issuer }), "signature"],
      ["wrong audience", await github.mint(claims, { audience: "https://elsewhere.example" }), "audience"],
      ["expired", await github.mint(claims, { issuedAgo: 600, expiresIn: -120 }), "expired"],
      ["not yet valid", await github.mint(claims, { notBefore: 600 }), "not_yet_valid"],
      ["too old", await github.mint(claims, { issuedAgo: 7200, expiresIn: 600 }), "too_old"],
      ["alg none", none, "algorithm"],
      ["HS256 with the public key as secret", hs256, "algorithm"],
      ["unknown kid", await github.mint(claims, { kid: "unpublished" }), "unknown_key"],
      ["another repository", await github.mint(githubClaims("acme/etl-evil")), "claims"],
      ["another branch", await github.mint(githubClaims("acme/etl", "refs/heads/feature")), "claims"],
      ["not a JWT", "abc.def.ghi", "malformed"],
    ];
    const answers: Answer[] = [];
    for (const [what, jwt, check] of cases) {
      const answer = await exchange(form(jwt, identity.id));
      answers.push(answer);
      assert.equal(answer.status, 401, what);
      assert.equal(await lastCheck(), check, what);
    }
    assert.equal(new Set(answers.map((a) => JSON.stringify(a.body))).size, 1, "no oracle: one answer for all");
    const counted = await metrics().registry.getSingleMetricAsString("portal_workload_exchanges_total");
    assert.match(counted, /issuer="other",outcome="issuer"/, "an issuer no policy trusts is not a label of its own");
    assert.ok(!counted.includes("githubusercontent.com.evil"), "a caller cannot grow the metric's labels");
    assert.equal(answers[0]?.body.error, "invalid_token");
    for (const [ref, what] of [
      ["keyless-a/nobody", "unknown identity"],
      [crypto.randomUUID(), "unknown id"],
    ] as const) {
      const answer = await exchange(form(await github.mint(claims), ref));
      assert.deepEqual(answer, { status: 401, body: answers[0]?.body }, what);
    }
  });

  test("an unknown kid is accepted once the issuer publishes it (one fetch, not one per call)", async () => {
    await github.addKey("k2");
    const jwt = await github.mint(githubClaims("acme/etl"), { kid: "k2" });
    assert.equal((await exchange(form(jwt, identity.id))).status, 401);
    github.publish("k2");
    assert.equal((await exchange(form(jwt, identity.id))).status, 200);
    const fetches = github.jwksFetches();
    for (let i = 0; i < 5; i++)
      await exchange(form(await github.mint(githubClaims("acme/etl"), { kid: "k2" }), identity.id));
    assert.equal(github.jwksFetches(), fetches, "a warm cache: no fetch per call");
  });

  test("globs stay inside a segment; one-time use refuses a replayed jti", async () => {
    const k8s = await startIssuer();
    const other = await enrolledIdentity(sim, actors.admin, SLUG, "k8s-etl");
    await addPolicy(
      actors.admin,
      SLUG,
      other.id,
      policyFields.parse({
        name: "etl namespace",
        preset: "kubernetes",
        issuer: k8s.issuer,
        conditions: "sub=system:serviceaccount:etl-*:runner\nnamespace=etl-*",
        oneTimeJti: "on",
      }),
    );
    const mintFor = (ns: string, sa = "runner") => k8s.mint({ ...kubernetesClaims(ns, sa), jti: crypto.randomUUID() });
    assert.equal((await exchange(form(await mintFor("etl-prod"), other.id))).status, 200);
    for (const [ns, sa] of [
      ["etl-prod:evil", "runner"],
      ["etl-prod/x", "runner"],
      ["etl-prod", "runner-x"],
      ["etlx", "runner"],
    ]) {
      assert.equal((await exchange(form(await mintFor(ns ?? "", sa), other.id))).status, 401, `${ns} ${sa}`);
    }
    const once = await mintFor("etl-dev");
    assert.equal((await exchange(form(once, other.id))).status, 200);
    assert.equal((await exchange(form(once, other.id))).status, 401);
    assert.equal(await lastCheck(), "replayed");
  });

  test("broken issuers: keys on another host, an oversized or a slow JWKS are refused, bounded", async () => {
    for (const faults of [{ jwksElsewhere: true }, { hugeJwks: true }, { slowJwksMs: 8000 }]) {
      const broken = await startIssuer(faults);
      const target = await enrolledIdentity(sim, actors.admin, SLUG, `broken-${Object.keys(faults)[0]}`);
      await addPolicy(
        actors.admin,
        SLUG,
        target.id,
        policy({ issuer: broken.issuer, conditions: "repository=acme/etl" }),
      );
      const started = Date.now();
      const answer = await exchange(form(await broken.mint(githubClaims("acme/etl")), target.id));
      assert.equal(answer.status, 401, JSON.stringify(faults));
      assert.equal(await lastCheck(), "keys_unavailable", JSON.stringify(faults));
      assert.ok(Date.now() - started < 7000, "the fetch is bounded in time");
    }
  });

  test("a pasted JWKS stands in for discovery (a private cluster)", async () => {
    const cluster = await startIssuer();
    const target = await enrolledIdentity(sim, actors.admin, SLUG, "private-cluster");
    await addPolicy(
      actors.admin,
      SLUG,
      target.id,
      policyFields.parse({
        name: "cronjob",
        preset: "kubernetes",
        issuer: "https://kubernetes.default.svc.cluster.local",
        conditions: "namespace=etl",
        jwks: JSON.stringify({ keys: [cluster.publicJwk()] }),
      }),
    );
    const jwt = await cluster.mint(kubernetesClaims("etl", "runner"), {
      iss: "https://kubernetes.default.svc.cluster.local",
    });
    assert.equal((await exchange(form(jwt, target.id))).status, 200);
    assert.equal(cluster.jwksFetches(), 0, "nothing fetched");
  });

  test("a policy must name the workload: every weak or malformed policy is refused with a sentence", () => {
    const refusals: [Record<string, string>, RegExp][] = [
      [{ issuer: github.issuer, conditions: "" }, /At least one condition besides the issuer/],
      [{ issuer: github.issuer, conditions: "sub=*" }, /matches everything/],
      [{ issuer: github.issuer, conditions: "repository=**" }, /matches everything/],
      [{ issuer: github.issuer, conditions: "team=acme" }, /GitHub Actions claims: sub, repository/],
      [{ issuer: github.issuer, conditions: "repository acme" }, /One condition a line/],
      [{ issuer: "not a url", conditions: "repository=a/b" }, /The issuer is a URL/],
      [
        {
          issuer: github.issuer,
          conditions: "repository=a/b",
          jwks: '{"keys":[{"kty":"RSA","n":"x","e":"AQAB","d":"y"}]}',
        },
        /private or secret key material/,
      ],
    ];
    for (const [fields, expected] of refusals) {
      const parsed = policyFields.safeParse({ name: "p", preset: "github", ...fields });
      assert.equal(parsed.success, false, JSON.stringify(fields));
      assert.match(parsed.error?.issues.map((i) => i.message).join(" ") ?? "", expected);
    }
  });

  test("an http issuer off loopback, or with http not allowed, is refused; removing a policy ends the trust", async () => {
    publishEnv({ WORKLOAD_ISSUER_ALLOW_HTTP: "0" });
    await assert.rejects(
      addPolicy(
        actors.admin,
        SLUG,
        identity.id,
        policy({ name: "x", issuer: github.issuer, conditions: "repository=a/b" }),
      ),
      /must be an https:\/\/ URL/,
    );
    publishEnv({ WORKLOAD_ISSUER_ALLOW_HTTP: "1" });
    await assert.rejects(
      addPolicy(
        actors.member,
        SLUG,
        identity.id,
        policy({ name: "y", issuer: github.issuer, conditions: "repository=a/b" }),
      ),
      (error: { code?: string }) => error.code === "forbidden",
    );
    const [row] = await db().workloadPolicy.findMany({ where: { identityId: identity.id } });
    await removePolicy(actors.admin, SLUG, identity.id, row?.id ?? "");
    assert.equal((await exchange(form(await github.mint(githubClaims("acme/etl")), identity.id))).status, 401);
    assert.equal(await lastCheck(), "no_policy");
  });
});
