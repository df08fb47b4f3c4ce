import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getCurrentUser, logoutAccessToken, validateAccessToken } from "@/lib/anaplan";
import { documentedUser, type MockAs, rejectsWith, sentinel, startMockAs } from "@/tests/helpers/anaplan-mock-as";

const accessToken = sentinel("AT");
const documented = documentedUser;
const withUser = (patch: Record<string, unknown>) => ({ ...documented, user: { ...documented.user, ...patch } });

let as: MockAs;
before(async () => {
  as = await startMockAs();
});
after(() => as.close());

describe("getCurrentUser", () => {
  it("GETs {apiUrl}/2/0/users/me with AnaplanAuthToken and maps the documented response", async () => {
    as.script({ body: documented });
    const user = await getCurrentUser(as.endpoints, accessToken);
    const [req] = as.requests;
    assert.equal(req?.method, "GET");
    assert.equal(req?.path, "/api-host/2/0/users/me");
    assert.equal(req?.headers.authorization, `AnaplanAuthToken ${accessToken}`);
    assert.equal(req?.headers.accept, "application/json");
    assert.equal(req?.text, "");
    assert.deepEqual(user, {
      id: "8a8b844a477d5da70147d150ee080b17",
      email: "a.user@anaplan.com",
      firstName: "A",
      lastName: "User",
      customerId: "8b81da6f5fb6b75701604d6c950c05b1",
      active: true,
      lastLoginDate: new Date("2017-09-07T08:05:37.000Z"),
    });
  });

  it("lower-cases ids, allows a missing customer and an unreadable or absent last login", async () => {
    as.script(
      { body: withUser({ id: "8A8B844A477D5DA70147D150EE080B17", customerId: null, lastLoginDate: "yesterday" }) },
      { body: withUser({ customerId: undefined, lastLoginDate: undefined }) },
      { body: withUser({ lastLoginDate: "2024-02-29T23:59:59+05:30" }) },
    );
    const first = await getCurrentUser(as.endpoints, accessToken);
    assert.equal(first.id, "8a8b844a477d5da70147d150ee080b17");
    assert.equal(first.customerId, null);
    assert.equal(first.lastLoginDate, null);
    const second = await getCurrentUser(as.endpoints, accessToken);
    assert.equal(second.customerId, null);
    assert.equal(second.lastLoginDate, null);
    const third = await getCurrentUser(as.endpoints, accessToken);
    assert.equal(third.lastLoginDate?.toISOString(), "2024-02-29T18:29:59.000Z");
  });

  it("keeps names in any script but drops, never shows, names with controls or bidi overrides", async () => {
    as.script({ body: withUser({ firstName: "Zoë", lastName: "می‌خواهم" }) });
    assert.equal((await getCurrentUser(as.endpoints, accessToken)).firstName, "Zoë");
    for (const patch of [
      { firstName: "admin\u202Enimda" },
      { lastName: "x\r\nFAKE admin=true" },
      { firstName: "\u200Badmin" },
      { lastName: "\ud800" },
      { firstName: "n".repeat(257) },
    ]) {
      as.script({ body: withUser(patch) });
      const user = await getCurrentUser(as.endpoints, accessToken);
      assert.equal(Object.keys(patch)[0] === "firstName" ? user.firstName : user.lastName, "", JSON.stringify(patch));
    }
  });

  it("requires only id and email: other fields missing or malformed fall back, unknown ones are ignored", async () => {
    as.script({ body: { user: { id: documented.user.id, email: documented.user.email, newField: [1] } } });
    assert.deepEqual(await getCurrentUser(as.endpoints, accessToken), {
      id: documented.user.id,
      email: documented.user.email,
      firstName: "",
      lastName: "",
      customerId: null,
      active: true,
      lastLoginDate: null,
    });
    for (const patch of [
      { customerId: "123" },
      { active: "true" },
      { firstName: 7 },
      { lastLoginDate: 1504771537000 },
    ]) {
      as.script({ body: withUser(patch) });
      assert.equal((await getCurrentUser(as.endpoints, accessToken)).id, documented.user.id, JSON.stringify(patch));
    }
  });

  it("fails closed when the id or email is missing or malformed", async () => {
    const { user: _u, ...noUser } = documented;
    for (const body of [
      noUser,
      withUser({ id: "not-hex" }),
      withUser({ id: undefined }),
      withUser({ email: "no-at-sign" }),
      withUser({ email: undefined }),
      withUser({ email: "a\n@b.c" }),
      { user: "me" },
    ]) {
      as.script({ body });
      await rejectsWith(getCurrentUser(as.endpoints, accessToken), "protocol", [accessToken]);
    }
  });

  it("reports a rejected access token as unauthorized, not as a dead grant", async () => {
    as.script({ status: 401, body: { status: { code: 401, message: "Unauthorized" } } }, { status: 403, body: "" });
    assert.equal(
      (await rejectsWith(getCurrentUser(as.endpoints, accessToken), "unauthorized", [accessToken])).status,
      401,
    );
    assert.equal(
      (await rejectsWith(getCurrentUser(as.endpoints, accessToken), "unauthorized", [accessToken])).status,
      403,
    );
  });
});

describe("validateAccessToken", () => {
  const validated = {
    meta: { validationUrl: "https://auth.anaplan.com/token/validate" },
    status: "SUCCESS",
    statusMessage: "Token validated",
    tokenInfo: { expiresAt: 1_767_225_600_000, tokenId: "3f1c0a5e-0000-4000-8000-000000000000" },
    userInfo: {
      userGuid: "8a8b844a477d5da70147d150ee080b17",
      userId: "a.user@anaplan.com",
      customerGuid: "8b81da6f5fb6b75701604d6c950c05b1",
    },
  };

  it("GETs {authUrl}/token/validate with AnaplanAuthToken and maps tokenInfo and userInfo", async () => {
    as.script({ body: validated });
    const result = await validateAccessToken(as.endpoints, accessToken);
    const [req] = as.requests;
    assert.equal(req?.method, "GET");
    assert.equal(req?.path, "/auth-host/token/validate");
    assert.equal(req?.headers.authorization, `AnaplanAuthToken ${accessToken}`);
    assert.deepEqual(result, {
      expiresAt: new Date(1_767_225_600_000),
      userGuid: "8a8b844a477d5da70147d150ee080b17",
      customerGuid: "8b81da6f5fb6b75701604d6c950c05b1",
      email: "a.user@anaplan.com",
    });
  });

  it("fails closed unless the status is SUCCESS and every field is sound", async () => {
    for (const body of [
      { ...validated, status: "FAILURE" },
      { ...validated, status: undefined },
      { ...validated, tokenInfo: { expiresAt: "soon" } },
      { ...validated, tokenInfo: { expiresAt: -1 } },
      { ...validated, tokenInfo: { expiresAt: 1e17 } },
      { ...validated, userInfo: { ...validated.userInfo, userGuid: "x" } },
    ]) {
      as.script({ body });
      await rejectsWith(validateAccessToken(as.endpoints, accessToken), "protocol", [accessToken]);
    }
    as.script({ status: 401, body: "" });
    await rejectsWith(validateAccessToken(as.endpoints, accessToken), "unauthorized", [accessToken]);
  });
});

describe("logoutAccessToken", () => {
  it("POSTs {authUrl}/token/logout with AnaplanAuthToken and no body; 204 (or another 2xx) is success", async () => {
    as.script({ status: 204 }, { status: 200, body: "" });
    await logoutAccessToken(as.endpoints, accessToken);
    const [req] = as.requests;
    assert.equal(req?.method, "POST");
    assert.equal(req?.path, "/auth-host/token/logout");
    assert.equal(req?.headers.authorization, `AnaplanAuthToken ${accessToken}`);
    assert.equal(req?.headers["content-type"], undefined);
    assert.equal(req?.text, "");
    await logoutAccessToken(as.endpoints, accessToken);
  });

  it("surfaces a rejected token, an outage and a redirect as typed errors", async () => {
    as.script({ status: 401, body: "" }, { status: 503, body: "" }, { status: 302, headers: { location: "/x" } });
    await rejectsWith(logoutAccessToken(as.endpoints, accessToken), "unauthorized", [accessToken]);
    await rejectsWith(logoutAccessToken(as.endpoints, accessToken), "unavailable", [accessToken]);
    await rejectsWith(logoutAccessToken(as.endpoints, accessToken), "protocol", [accessToken]);
  });
});
