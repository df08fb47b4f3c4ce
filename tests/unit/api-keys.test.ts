import assert from "node:assert/strict";
import { test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { generateApiKey, hashSecret, parseApiKey, randomBase62, secretMatches } from "@/lib/broker/key-format";
import { openApiDocument } from "@/lib/broker/openapi";
import { BROKER_ERRORS, type BrokerErrorCode, OPERATION_ERRORS } from "@/lib/broker/schemas";
import { brokerSnippets } from "@/lib/broker/snippets";

test("API keys: atp_<12 base62>_<43 base62>, 256-bit secrets, only a hash kept, parsed strictly", () => {
  const keys = Array.from({ length: 200 }, generateApiKey);
  for (const { key, lookupId, secretHash } of keys) {
    assert.match(key, /^atp_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
    const parsed = parseApiKey(key);
    assert.equal(parsed?.lookupId, lookupId);
    assert.ok(parsed && secretMatches(parsed.secret, secretHash));
    assert.equal(secretHash.length, 32);
    assert.ok(!secretHash.toString("hex").includes(Buffer.from(parsed.secret).toString("hex")));
  }
  assert.equal(new Set(keys.map((k) => k.key)).size, keys.length);
  const [one] = keys;
  assert.ok(one);
  const secret = parseApiKey(one.key)?.secret ?? "";
  assert.equal(secretMatches(`${secret.slice(0, -1)}x`, one.secretHash), secret.endsWith("x"));
  assert.equal(secretMatches(secret, hashSecret("other")), false);
  assert.equal(secretMatches(secret, new Uint8Array(3)), false, "a stored hash of the wrong size never matches");
  for (const bad of [
    "",
    one.key.replace("atp_", "atq_"),
    `${one.key}x`,
    one.key.slice(0, -1),
    one.key.replace("_", "-"),
    ` ${one.key}`,
    `${one.key.slice(0, 20)}é${one.key.slice(21)}`,
  ]) {
    assert.equal(parseApiKey(bad), null, bad);
  }
});

test("base62 is uniform enough: every character appears, none dominates", () => {
  const sample = randomBase62(62 * 400);
  const counts = new Map<string, number>();
  for (const c of sample) counts.set(c, (counts.get(c) ?? 0) + 1);
  assert.equal(counts.size, 62);
  for (const n of counts.values()) assert.ok(n > 250 && n < 550, `count ${n} is far from 400`);
});

test("the OpenAPI document is valid OpenAPI 3.1 and lists every error code the API answers", async () => {
  const document = openApiDocument("http://localhost:3000");
  const validator = new Validator();
  const result = await validator.validate(document as never);
  assert.deepEqual(result, { valid: true });
  assert.equal(validator.version, "3.1");
  const text = JSON.stringify(document);
  for (const code of Object.keys(BROKER_ERRORS)) assert.ok(text.includes(code), code);
  const operations = {
    getToken: document.paths["/api/v1/token"].post.responses,
    getIdentity: document.paths["/api/v1/identity"].get.responses,
  } as Record<keyof typeof OPERATION_ERRORS, Record<string, { description: string; headers?: object }>>;
  for (const [operation, codes] of Object.entries(OPERATION_ERRORS) as [
    keyof typeof OPERATION_ERRORS,
    readonly BrokerErrorCode[],
  ][]) {
    for (const code of codes) {
      const response = operations[operation][String(BROKER_ERRORS[code].status)];
      assert.ok(response?.description.includes(`\`${code}\``), `${operation} documents ${code}`);
      if (BROKER_ERRORS[code].retryAfter) assert.ok(response?.headers, `${operation} ${code} documents Retry-After`);
    }
  }
  const schemas = document.components.schemas;
  assert.deepEqual(Object.keys(schemas.TokenResponse.properties as object).sort(), [
    "access_token",
    "expires_at",
    "expires_in",
    "identity",
    "issued_token_type",
    "token_type",
  ]);
  assert.deepEqual(
    Object.keys(document.paths["/api/v1/token"].post.requestBody.content).sort(),
    ["application/json", "application/x-www-form-urlencoded"],
    "a token exchange may be form-encoded (RFC 8693) or JSON",
  );
});

test("snippets reach Anaplan through the portal with AnaplanAuthToken; the key only in the env-setting line", () => {
  const key = generateApiKey().key;
  const snippets = brokerSnippets({
    portalUrl: "https://portal.example",
    apiUrl: "https://api.anaplan.com",
    key,
    identityName: "etl nightly",
  });
  assert.deepEqual(
    snippets.map((s) => s.id),
    ["python-package", "node-package", "cli", "anaplan-connect", "curl", "python", "node", "powershell", "anaplan-sdk"],
  );
  for (const s of snippets) {
    assert.ok(s.code.includes("https://portal.example"), s.id);
    if (s.id !== "anaplan-connect") assert.ok(s.code.includes("https://api.anaplan.com/2/0/users/me"), s.id);
    // The packages set the header themselves.
    if (!/package|anaplan-connect/.test(s.id)) assert.ok(s.code.includes("AnaplanAuthToken"), s.id);
    assert.ok(s.code.split(key).length - 1 <= 1, `${s.id} repeats the key`);
  }
  const plain = snippets.filter((s) => !/package|cli|anaplan-connect/.test(s.id));
  assert.ok(plain.every((s) => s.code.includes("/api/v1/token")));
  const connect = snippets.find((s) => s.id === "anaplan-connect")?.code ?? "";
  assert.ok(connect.includes('-auth "https://portal.example/anaplan-auth"'));
  assert.ok(connect.includes('-user "etl-nightly:$ANAPLAN_PORTAL_KEY"'), "the name as a label, the key from the env");
  const withoutKey = brokerSnippets({ portalUrl: "https://p", apiUrl: "https://a" });
  assert.ok(withoutKey.every((s) => !s.code.includes("atp_")));
});
