import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EnvError, parseEnv } from "@/lib/platform/env";

function problems(source: Record<string, string>) {
  try {
    parseEnv(source);
  } catch (error) {
    assert.ok(error instanceof EnvError, "a configuration problem is reported as EnvError, not a stack trace");
    return error.problems;
  }
  assert.fail("expected the configuration to be rejected");
}

describe("environment", () => {
  it("starts with no settings at all: embedded database, simulator, defaults", () => {
    const env = parseEnv({});
    assert.equal(env.DATABASE_URL, undefined);
    assert.equal(env.useSimulator, true);
    assert.equal(env.isProduction, false);
    assert.equal(env.ANAPLAN_OAUTH_URL, "https://us1a.app.anaplan.com");
    assert.equal(env.ANAPLAN_API_URL, "https://api.anaplan.com");
    assert.equal(env.migrateOnStart, true);
  });

  it("names the variable and what is expected when a value is malformed", () => {
    const found = problems({ DATABASE_URL: "mysql://x", ANAPLAN_OAUTH_URL: "not a url", PORT: "http" });
    assert.ok(found.some((p) => p.startsWith("DATABASE_URL:") && p.includes("postgres")));
    assert.ok(found.some((p) => p.startsWith("ANAPLAN_OAUTH_URL:") && p.includes("absolute http(s) URL")));
    assert.ok(found.some((p) => p.startsWith("PORT:")));
  });

  it("refuses production without real secrets, naming each missing one", () => {
    const found = problems({ NODE_ENV: "production", DATABASE_URL: "postgresql://db/portal" });
    const names = found.map((p) => p.split(":")[0]);
    assert.deepEqual(names.sort(), [
      "ADMIN_EMAILS",
      "ANAPLAN_CLIENT_ID",
      "ANAPLAN_CLIENT_SECRET",
      "NEXTAUTH_SECRET",
      "NEXTAUTH_URL",
      "TOKEN_ENCRYPTION_KEYS",
    ]);
  });

  it("production refuses the simulator, plain http, unknown URL schemes and a missing ADMIN_EMAILS (security review #8)", () => {
    const production = {
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://db/portal",
      NEXTAUTH_SECRET: "x".repeat(40),
      NEXTAUTH_URL: "https://portal.example.com",
      TOKEN_ENCRYPTION_KEYS: "v1:abc",
      ANAPLAN_CLIENT_ID: "abc",
      ANAPLAN_CLIENT_SECRET: "s",
      ADMIN_EMAILS: "ops@example.com",
    };
    assert.equal(parseEnv(production).isProduction, true);
    assert.equal(parseEnv(production).useSimulator, false);
    const refused = (patch: Record<string, string>, name: string) =>
      assert.ok(
        problems({ ...production, ...patch }).some((p) => p.startsWith(`${name}:`)),
        JSON.stringify(patch),
      );
    refused({ ANAPLAN_SIMULATOR: "1" }, "ANAPLAN_SIMULATOR");
    refused({ NEXTAUTH_URL: "http://portal.example.com" }, "NEXTAUTH_URL");
    refused({ ANAPLAN_API_URL: "http://api.anaplan.com" }, "ANAPLAN_API_URL");
    refused({ ADMIN_EMAILS: "" }, "ADMIN_EMAILS");
    for (const scheme of ["ftp://portal.example.com", "javascript:alert(1)", "file:///etc/passwd"]) {
      refused({ NEXTAUTH_URL: scheme }, "NEXTAUTH_URL");
      assert.ok(
        problems({ ANAPLAN_OAUTH_URL: scheme }).some((p) => p.startsWith("ANAPLAN_OAUTH_URL:")),
        scheme,
      );
    }
    const rig = parseEnv({
      ...production,
      NEXTAUTH_URL: "http://localhost:3000",
      ANAPLAN_SIMULATOR: "1",
      PORTAL_TEST_RIG: "1",
    });
    assert.equal(rig.isProduction, false, "a test rig says so explicitly");
    assert.ok(problems({ ANAPLAN_SIMULATOR: "0" }).some((p) => p.startsWith("ANAPLAN_CLIENT_ID:")));
  });

  it("treats the embedded database under `next start` as a demo, not production", () => {
    const env = parseEnv({ NODE_ENV: "production", DATABASE_URL: "postgresql://x/y", PORTAL_EMBEDDED_DATABASE: "1" });
    assert.equal(env.isProduction, false);
    assert.equal(env.useSimulator, true);
  });

  it("uses real Anaplan when a client is configured, and trims trailing slashes from URLs", () => {
    const env = parseEnv({
      ANAPLAN_CLIENT_ID: "abc",
      ANAPLAN_CLIENT_SECRET: "s",
      ANAPLAN_OAUTH_URL: "https://eu3.app.anaplan.com/",
      ADMIN_EMAILS: " Ann@Example.com, bob@example.com ,",
      NEXTAUTH_URL: "https://portal.example.com",
    });
    assert.equal(env.useSimulator, false);
    assert.equal(env.ANAPLAN_OAUTH_URL, "https://eu3.app.anaplan.com");
    assert.deepEqual(env.adminEmails, ["ann@example.com", "bob@example.com"]);
  });

  it("with real Anaplan, refuses a callback URL Anaplan would never accept, naming NEXTAUTH_URL and why", () => {
    const anaplan = { ANAPLAN_CLIENT_ID: "abc", ANAPLAN_CLIENT_SECRET: "s" };
    for (const NEXTAUTH_URL of [
      undefined,
      "http://portal.example.com",
      "https://localhost:3000",
      "https://127.0.0.1",
      "https://[::1]:8443",
      "https://app.localhost",
    ]) {
      const found = problems({ ...anaplan, ...(NEXTAUTH_URL ? { NEXTAUTH_URL } : {}) });
      assert.equal(found.length, 1, String(NEXTAUTH_URL));
      assert.match(found[0] ?? "", /^NEXTAUTH_URL: .*https.*ANAPLAN_ALLOW_HTTP_CALLBACK/);
    }
    const allowed = parseEnv({ ...anaplan, NEXTAUTH_URL: "http://localhost:3000", ANAPLAN_ALLOW_HTTP_CALLBACK: "1" });
    assert.equal(allowed.allowHttpCallback, true);
    assert.equal(parseEnv({ ...anaplan, NEXTAUTH_URL: "https://portal.example.com" }).useSimulator, false);
    assert.equal(
      parseEnv({ NEXTAUTH_URL: "http://localhost:3000" }).useSimulator,
      true,
      "the simulator needs no https",
    );
  });

  it("PKCE is off by default with real Anaplan, on with the simulator, and ANAPLAN_PKCE decides", () => {
    const anaplan = { ANAPLAN_CLIENT_ID: "abc", ANAPLAN_CLIENT_SECRET: "s", NEXTAUTH_URL: "https://p.example.com" };
    assert.equal(parseEnv(anaplan).pkce, false);
    assert.equal(parseEnv({ ...anaplan, ANAPLAN_PKCE: "1" }).pkce, true);
    assert.equal(parseEnv({}).pkce, true);
    assert.equal(parseEnv({ ANAPLAN_PKCE: "0" }).pkce, false);
  });

  it("rejects a short NEXTAUTH_SECRET and a device client id that is not 32 hex", () => {
    const found = problems({ NEXTAUTH_SECRET: "short", ANAPLAN_DEVICE_CLIENT_ID: "XYZ" });
    assert.ok(found.some((p) => p.startsWith("NEXTAUTH_SECRET:") && p.includes("32")));
    assert.ok(found.some((p) => p.startsWith("ANAPLAN_DEVICE_CLIENT_ID:") && p.includes("32 lowercase hex")));
  });
});
