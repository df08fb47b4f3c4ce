import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pollDeviceToken, requestDeviceCode } from "@/lib/anaplan";
import { type MockAs, rejectsWith, sentinel, startMockAs } from "@/tests/helpers/anaplan-mock-as";

const clientId = "0123456789abcdef0123456789abcdef";
const deviceCode = sentinel("DC");
const good = {
  device_code: deviceCode,
  user_code: "1GMV-ATBA",
  verification_uri: "https://iam.anaplan.com/activate",
  verification_uri_complete: "https://iam.anaplan.com/activate?user_code=1GMV-ATBA",
  expires_in: 900,
  interval: 5,
};

let as: MockAs;
before(async () => {
  as = await startMockAs();
});
after(() => as.close());

describe("requestDeviceCode", () => {
  it("posts client_id and the default scope as JSON to {oauthUrl}/oauth/device/code", async () => {
    as.script({ body: good });
    const before = Date.now();
    const auth = await requestDeviceCode(as.endpoints, { clientId });
    const [req] = as.requests;
    assert.equal(as.requests.length, 1);
    assert.equal(req?.method, "POST");
    assert.equal(req?.path, "/oauth-host/oauth/device/code");
    assert.equal(req?.headers["content-type"], "application/json");
    assert.equal(req?.headers.accept, "application/json");
    assert.equal(req?.headers.authorization, undefined);
    assert.deepEqual(req?.json, { client_id: clientId, scope: "openid profile email offline_access" });
    assert.deepEqual(
      { ...auth, expiresAt: undefined },
      {
        deviceCode,
        userCode: "1GMV-ATBA",
        verificationUri: good.verification_uri,
        verificationUriComplete: good.verification_uri_complete,
        expiresAt: undefined,
        intervalSeconds: 5,
      },
    );
    assert.ok(auth.expiresAt.getTime() >= before + 900_000 && auth.expiresAt.getTime() <= Date.now() + 900_000);
  });

  it("sends the scope it is given, defaults interval to 5 and treats verification_uri_complete as optional", async () => {
    const { interval: _i, verification_uri_complete: _c, ...minimal } = good;
    as.script({ body: { ...minimal, unknown_member: { nested: true }, id_token: "x" } });
    const auth = await requestDeviceCode(as.endpoints, { clientId, scope: "openid offline_access" });
    assert.deepEqual(as.requests[0]?.json, { client_id: clientId, scope: "openid offline_access" });
    assert.equal(auth.intervalSeconds, 5);
    assert.equal(auth.verificationUriComplete, undefined);
  });

  it("accepts the bounds of the documented ranges", async () => {
    as.script({ body: { ...good, expires_in: 3600, interval: 60 } }, { body: { ...good, expires_in: 1, interval: 1 } });
    assert.equal((await requestDeviceCode(as.endpoints, { clientId })).intervalSeconds, 60);
    assert.equal((await requestDeviceCode(as.endpoints, { clientId })).intervalSeconds, 1);
  });

  it("fails closed on every malformed device response in the security corpus (§2.3)", async () => {
    const without = (key: keyof typeof good) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== key));
    const cases: Array<[string, unknown]> = [
      ["missing device_code", without("device_code")],
      ["missing user_code", without("user_code")],
      ["missing verification_uri", without("verification_uri")],
      ["missing expires_in", without("expires_in")],
      ["expires_in as a string", { ...good, expires_in: "600" }],
      ["expires_in -1", { ...good, expires_in: -1 }],
      ["expires_in 0", { ...good, expires_in: 0 }],
      ["expires_in above an hour", { ...good, expires_in: 3601 }],
      ["expires_in NaN as a string", { ...good, expires_in: "NaN" }],
      [
        "expires_in 2^53+1",
        `{"device_code":"d","user_code":"A","verification_uri":"https://iam.anaplan.com/a","expires_in":9007199254740993}`,
      ],
      [
        "expires_in 1e309",
        `{"device_code":"d","user_code":"A","verification_uri":"https://iam.anaplan.com/a","expires_in":1e309}`,
      ],
      ["expires_in fractional", { ...good, expires_in: 600.5 }],
      ["interval 0", { ...good, interval: 0 }],
      ["interval -5", { ...good, interval: -5 }],
      ["interval 86400", { ...good, interval: 86_400 }],
      ["interval as a string", { ...good, interval: "5" }],
      ["interval 0.001", { ...good, interval: 0.001 }],
      ["interval null", { ...good, interval: null }],
      ["duplicate interval, last one 0", JSON.stringify(good).replace(/}$/, ',"interval":0}')],
      ["verification_uri javascript:", { ...good, verification_uri: "javascript:alert(1)" }],
      ["verification_uri data:", { ...good, verification_uri: "data:text/html,<script>alert(1)</script>" }],
      ["verification_uri relative", { ...good, verification_uri: "/activate" }],
      ["verification_uri 10 KB", { ...good, verification_uri: `https://iam.anaplan.com/${"a".repeat(10 * 1024)}` }],
      ["verification_uri with markup", { ...good, verification_uri: 'https://iam.anaplan.com/"><script>x</script>' }],
      ["verification_uri_complete not a URL", { ...good, verification_uri_complete: "activate here" }],
      ["verification_uri a number", { ...good, verification_uri: 42 }],
      ["user_code empty", { ...good, user_code: "" }],
      ["user_code 10 KB", { ...good, user_code: "A".repeat(10 * 1024) }],
      ["user_code with HTML", { ...good, user_code: "<img src=x onerror=alert(1)>" }],
      ["user_code with RTL override", { ...good, user_code: "ABCD\u202E-EFGH" }],
      ["user_code with a zero-width space", { ...good, user_code: "ABCD\u200B-EFGH" }],
      ["user_code with a newline", { ...good, user_code: "ABCD\nEFGH" }],
      ["user_code with NUL", { ...good, user_code: "ABCD\u0000EFGH" }],
      ["user_code padded", { ...good, user_code: " ABCD-EFGH " }],
      ["user_code a number", { ...good, user_code: 12345678 }],
      ["device_code empty", { ...good, device_code: "" }],
      ["device_code non-ASCII", { ...good, device_code: "dévice-côde" }],
      ["device_code with a space", { ...good, device_code: "a b" }],
      ["device_code over 4 KB", { ...good, device_code: "d".repeat(4097) }],
      ["a JSON array", [good]],
      ["JSON null", "null"],
      ["a JSON string", '"device"'],
    ];
    for (const [name, body] of cases) {
      as.script({ body });
      const error = await rejectsWith(requestDeviceCode(as.endpoints, { clientId }), "protocol", [deviceCode]);
      assert.equal(error.status, 200, name);
    }
  });

  it("ignores prototype-pollution keys instead of merging them anywhere", async () => {
    as.script({
      body: `{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":true}},${JSON.stringify(good).slice(1)}`,
    });
    const auth = await requestDeviceCode(as.endpoints, { clientId });
    assert.equal(Object.getPrototypeOf(auth), Object.prototype);
    assert.equal(Object.hasOwn(auth, "isAdmin"), false);
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(auth.userCode, "1GMV-ATBA");
  });
});

describe("pollDeviceToken", () => {
  it("posts the device_code grant with client_id only (device clients have no secret)", async () => {
    const accessToken = sentinel("AT");
    const refreshToken = sentinel("RT");
    as.script({
      body: { access_token: accessToken, token_type: "Bearer", expires_in: 2100, refresh_token: refreshToken },
    });
    const tokens = await pollDeviceToken(as.endpoints, { clientId, deviceCode });
    const [req] = as.requests;
    assert.equal(req?.method, "POST");
    assert.equal(req?.path, "/oauth-host/oauth/token");
    assert.equal(req?.headers["content-type"], "application/json");
    assert.deepEqual(req?.json, {
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      device_code: deviceCode,
      client_id: clientId,
    });
    assert.equal(tokens.accessToken, accessToken);
    assert.equal(tokens.refreshToken, refreshToken);
  });

  it("maps each RFC 8628 polling error to its kind, whatever status carries it", async () => {
    const cases: Array<[number, unknown, string]> = [
      [400, { error: "authorization_pending" }, "pending"],
      [403, { error: "authorization_pending", error_description: "User has yet to authorize device code." }, "pending"],
      [200, { error: "authorization_pending" }, "pending"],
      [400, { error: "slow_down" }, "slow_down"],
      [429, { error: "slow_down" }, "slow_down"],
      [400, { error: "expired_token" }, "expired"],
      [403, { error: "expired_token" }, "expired"],
      [403, { error: "access_denied" }, "denied"],
      [400, { error: "invalid_grant" }, "invalid_grant"],
      [401, { error: "invalid_client" }, "invalid_client"],
      [400, { error: "unauthorized_client" }, "invalid_client"],
      [400, { error: "some_new_error" }, "protocol"],
      [400, { error: "<b>pending</b>" }, "protocol"],
      [400, { error: 42 }, "protocol"],
      [403, "", "unauthorized"],
    ];
    for (const [status, body, kind] of cases) {
      as.script({ status, body });
      const error = await rejectsWith(pollDeviceToken(as.endpoints, { clientId, deviceCode }), kind as never, [
        deviceCode,
      ]);
      assert.equal(error.status, status);
    }
  });

  it("keeps a well-formed unknown error code but drops one with illegal characters", async () => {
    as.script({ status: 400, body: { error: "some_new_error" } }, { status: 400, body: { error: "bad code\r\n" } });
    const known = await rejectsWith(pollDeviceToken(as.endpoints, { clientId, deviceCode }), "protocol");
    assert.equal(known.oauthError, "some_new_error");
    assert.match(known.message, /error=some_new_error/);
    const dropped = await rejectsWith(pollDeviceToken(as.endpoints, { clientId, deviceCode }), "protocol");
    assert.equal(dropped.oauthError, undefined);
    assert.doesNotMatch(dropped.message, /bad code/);
  });
});
