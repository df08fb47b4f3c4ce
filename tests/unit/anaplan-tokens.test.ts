import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type AnaplanErrorKind, exchangeAuthorizationCode, refreshAccessToken } from "@/lib/anaplan";
import { type MockAs, rejectsWith, sentinel, startMockAs } from "@/tests/helpers/anaplan-mock-as";

const clientId = "0123456789abcdef0123456789abcdef";
const clientSecret = sentinel("SECRET");
const oldRefreshToken = sentinel("OLDRT");
const accessToken = sentinel("AT");
const refreshToken = sentinel("RT");
const secrets = [clientSecret, oldRefreshToken, accessToken, refreshToken];
const good = {
  access_token: accessToken,
  token_type: "Bearer",
  expires_in: 2100,
  refresh_token: refreshToken,
  scope: "openid email offline_access",
  id_token: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
};

let as: MockAs;
before(async () => {
  as = await startMockAs();
});
after(() => as.close());

const deviceRefresh = () => refreshAccessToken(as.endpoints, { clientId, refreshToken: oldRefreshToken });

describe("exchangeAuthorizationCode", () => {
  it("posts the code with client_secret in the JSON body and drops the id_token", async () => {
    as.script({ body: good });
    const before = Date.now();
    const tokens = await exchangeAuthorizationCode(as.endpoints, {
      clientId,
      clientSecret,
      code: "the-code",
      redirectUri: "https://portal.example.com/api/auth/callback/anaplan",
    });
    const [req] = as.requests;
    assert.equal(req?.method, "POST");
    assert.equal(req?.path, "/oauth-host/oauth/token");
    assert.equal(req?.headers["content-type"], "application/json");
    assert.equal(req?.headers.accept, "application/json");
    assert.equal(req?.headers.authorization, undefined, "client_secret_post, not HTTP Basic");
    assert.deepEqual(req?.json, {
      grant_type: "authorization_code",
      client_id: clientId,
      client_secret: clientSecret,
      code: "the-code",
      redirect_uri: "https://portal.example.com/api/auth/callback/anaplan",
    });
    assert.deepEqual(Object.keys(tokens).sort(), [
      "accessToken",
      "accessTokenExpiresAt",
      "refreshToken",
      "scope",
      "tokenType",
    ]);
    assert.equal(tokens.accessToken, accessToken);
    assert.equal(tokens.refreshToken, refreshToken);
    assert.equal(tokens.scope, "openid email offline_access");
    assert.equal(tokens.tokenType, "Bearer");
    const expires = tokens.accessTokenExpiresAt.getTime();
    assert.ok(expires >= before + 2_100_000 && expires <= Date.now() + 2_100_000);
  });

  it("sends code_verifier only when one is given", async () => {
    as.script({ body: good });
    await exchangeAuthorizationCode(as.endpoints, {
      clientId,
      clientSecret,
      code: "c",
      redirectUri: "https://portal.example.com/cb",
      codeVerifier: "verifier-verifier-verifier-verifier-verifier",
    });
    assert.deepEqual(as.requests[0]?.json, {
      grant_type: "authorization_code",
      client_id: clientId,
      client_secret: clientSecret,
      code: "c",
      redirect_uri: "https://portal.example.com/cb",
      code_verifier: "verifier-verifier-verifier-verifier-verifier",
    });
  });
});

describe("refreshAccessToken", () => {
  it("sends client_id and refresh_token only for a device-grant client (no client_secret key at all)", async () => {
    as.script({ body: good });
    const tokens = await deviceRefresh();
    assert.equal(as.requests[0]?.path, "/oauth-host/oauth/token");
    assert.deepEqual(as.requests[0]?.json, {
      grant_type: "refresh_token",
      client_id: clientId,
      refresh_token: oldRefreshToken,
    });
    assert.equal(tokens.refreshToken, refreshToken);
  });

  it("adds client_secret for an auth-code client", async () => {
    as.script({ body: good });
    await refreshAccessToken(as.endpoints, { clientId, clientSecret, refreshToken: oldRefreshToken });
    assert.deepEqual(as.requests[0]?.json, {
      grant_type: "refresh_token",
      client_id: clientId,
      refresh_token: oldRefreshToken,
      client_secret: clientSecret,
    });
  });

  it("leaves refreshToken undefined when a non-rotatable client gets none back, and reads bearer in any case", async () => {
    const { refresh_token: _r, scope: _s, ...rest } = good;
    as.script({ body: { ...rest, token_type: "bearer" } });
    const tokens = await deviceRefresh();
    assert.equal(tokens.refreshToken, undefined);
    assert.equal(tokens.scope, undefined);
    assert.equal(tokens.tokenType, "Bearer");
  });

  it("fails closed on every malformed token response in the security corpus (§2.4)", async () => {
    const without = (key: keyof typeof good) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== key));
    const cases: Array<[string, unknown]> = [
      ["access_token missing", without("access_token")],
      ["access_token empty", { ...good, access_token: "" }],
      ["access_token a number", { ...good, access_token: 12345 }],
      ["access_token with CR/LF", { ...good, access_token: `${accessToken}\r\nSet-Cookie: x=1` }],
      ["access_token with a space", { ...good, access_token: `${accessToken} x` }],
      ["access_token non-ASCII", { ...good, access_token: `${accessToken}é` }],
      ["access_token over 16 KB", { ...good, access_token: "a".repeat(16 * 1024 + 1) }],
      ["token_type missing", without("token_type")],
      ["token_type mac", { ...good, token_type: "mac" }],
      ["token_type DPoP", { ...good, token_type: "DPoP" }],
      ["token_type bearer with padding", { ...good, token_type: " Bearer" }],
      ["expires_in missing", without("expires_in")],
      ["expires_in negative", { ...good, expires_in: -1 }],
      ["expires_in zero", { ...good, expires_in: 0 }],
      ["expires_in above a day", { ...good, expires_in: 86_401 }],
      ["expires_in in epoch ms", { ...good, expires_in: 1_767_225_600_000 }],
      ["expires_in a string", { ...good, expires_in: "2100" }],
      ["expires_in fractional", { ...good, expires_in: 2100.5 }],
      ["refresh_token empty", { ...good, refresh_token: "" }],
      ["refresh_token null", { ...good, refresh_token: null }],
      ["refresh_token with a newline", { ...good, refresh_token: `${refreshToken}\n` }],
      ["scope a list", { ...good, scope: ["openid"] }],
      ["scope with a control character", { ...good, scope: "openid\u0000email" }],
      ["a JSON array", [good]],
      ["JSON null", "null"],
    ];
    for (const [name, body] of cases) {
      as.script({ body });
      const error = await rejectsWith(deviceRefresh(), "protocol", secrets);
      assert.equal(error.status, 200, name);
    }
  });

  it("accepts a 16 KB token, the upper bound", async () => {
    const big = "a".repeat(16 * 1024);
    as.script({ body: { ...good, access_token: big, refresh_token: big } });
    assert.equal((await deviceRefresh()).accessToken.length, 16 * 1024);
  });

  it("classifies failures by the error code first, then the status; a bare 401/403 on refresh is transient", async () => {
    const cases: Array<[number, unknown, AnaplanErrorKind]> = [
      [400, { error: "invalid_grant", error_description: "Unknown or invalid refresh token." }, "invalid_grant"],
      [403, { error: "invalid_grant" }, "invalid_grant"],
      [500, { error: "invalid_grant" }, "invalid_grant"],
      [401, { error: "invalid_client" }, "invalid_client"],
      [400, { error: "unauthorized_client" }, "invalid_client"],
      [401, "", "unavailable"],
      [403, "", "unavailable"],
      [403, "<html><body>Forbidden</body></html>", "unavailable"],
      [403, { message: "Forbidden" }, "unavailable"],
      [401, { error: "invalid_request" }, "invalid_request"],
      [400, { error: "invalid_request" }, "invalid_request"],
      [403, { error: "access_denied" }, "denied"],
      [400, { error: "expired_token" }, "expired"],
      [400, "", "protocol"],
      [404, "<html>not found</html>", "protocol"],
      [429, "", "rate_limited"],
      [429, { message: "too many" }, "rate_limited"],
      [500, "", "unavailable"],
      [502, "<html>Bad gateway</html>", "unavailable"],
      [503, { error: "temporarily_unavailable" }, "unavailable"],
      [504, "", "unavailable"],
      [400, { error: "server_error" }, "unavailable"],
    ];
    for (const [status, body, kind] of cases) {
      as.script({ status, body });
      const error = await rejectsWith(deviceRefresh(), kind, secrets);
      assert.equal(error.status, status, `${status} ${JSON.stringify(body)}`);
    }
  });

  it("does not read a bare 401/403 as invalid_grant outside a refresh", async () => {
    as.script({ status: 403, body: "" });
    await rejectsWith(
      exchangeAuthorizationCode(as.endpoints, { clientId, clientSecret, code: "c", redirectUri: "https://p/cb" }),
      "unauthorized",
      secrets,
    );
  });

  it("reads Retry-After as seconds or an HTTP-date and ignores garbage", async () => {
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    const cases: Array<[string | undefined, (s: number | undefined) => boolean]> = [
      ["120", (s) => s === 120],
      ["0", (s) => s === 0],
      [inTwoMinutes, (s) => s !== undefined && s >= 118 && s <= 121],
      ["Thu, 01 Jan 1970 00:00:00 GMT", (s) => s === 0],
      ["999999999", (s) => s === 86_400],
      ["soon", (s) => s === undefined],
      ["-5", (s) => s === undefined],
      ["1.5", (s) => s === undefined],
      ["120, 60", (s) => s === undefined],
      ["Someday, 99 Foo 2026 00:00:00 GMT", (s) => s === undefined],
      [undefined, (s) => s === undefined],
    ];
    for (const [value, ok] of cases) {
      as.script({ status: 429, headers: value === undefined ? {} : { "retry-after": value }, body: "" });
      const error = await rejectsWith(deviceRefresh(), "rate_limited");
      assert.ok(ok(error.retryAfterSeconds), `Retry-After ${value} gave ${error.retryAfterSeconds}`);
    }
    as.script(
      { status: 429, headers: { "retry-after": "30" }, body: { error: "slow_down" } },
      { status: 503, headers: { "retry-after": "60" }, body: "" },
    );
    assert.equal((await rejectsWith(deviceRefresh(), "slow_down")).retryAfterSeconds, 30);
    assert.equal((await rejectsWith(deviceRefresh(), "unavailable")).retryAfterSeconds, 60);
  });

  it("keeps error_description only sanitised, capped and outside the message, with echoed secrets removed", async () => {
    as.script({
      status: 400,
      body: {
        error: "invalid_grant",
        error_description: `Unknown token ${oldRefreshToken} <script>alert(1)</script>\r\nFAKE log=line \u202E ${"x".repeat(500)}`,
      },
    });
    const error = await rejectsWith(deviceRefresh(), "invalid_grant", secrets);
    assert.equal(error.message, "Anaplan: the grant is invalid, expired or revoked [HTTP 400, error=invalid_grant]");
    const description = error.description ?? "";
    assert.ok(description.startsWith("Unknown token"), description);
    assert.ok(description.length <= 200);
    assert.doesNotMatch(description, /[<>\r\n\u202E]/);
    assert.ok(!error.message.includes("Unknown token"));
  });

  it("never puts token values in errors, whatever the server sends back", async () => {
    as.script(
      { status: 400, body: { error: oldRefreshToken, error_description: clientSecret } },
      { status: 500, body: { error: "server_error", access_token: accessToken, refresh_token: refreshToken } },
      { body: { ...good, expires_in: "soon" } },
      { body: `{"access_token":"${accessToken}","token_type":` },
    );
    await rejectsWith(deviceRefresh(), "protocol", secrets);
    await rejectsWith(deviceRefresh(), "unavailable", secrets);
    await rejectsWith(deviceRefresh(), "protocol", secrets);
    await rejectsWith(deviceRefresh(), "protocol", secrets);
  });
});
