// The simulator must behave like Anaplan where the portal depends on it, or the portal's tests prove nothing.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { describe, test } from "node:test";
import { setUpSimulator } from "../helpers/simulator.ts";

const REDIRECT = "http://localhost:3000/api/auth/callback/anaplan";
const { simulator: sim, operator, deviceTokens, endpoints } = await setUpSimulator({ redirectUris: [REDIRECT] });

/** Walks the authorization-code flow like a browser (cookies, redirects, the login form); returns the code. */
async function authorize(
  options: { challenge?: string; user?: keyof typeof sim.users; clientId?: string; redirectUri?: string } = {},
) {
  const jar = new Map<string, string>();
  const user = sim.users[options.user ?? "member"];
  const query = new URLSearchParams({
    client_id: options.clientId ?? sim.clients.authCode.id,
    response_type: "code",
    redirect_uri: options.redirectUri ?? REDIRECT,
    scope: "openid email offline_access",
    state: "s-123",
    ...(options.challenge ? { code_challenge: options.challenge, code_challenge_method: "S256" } : {}),
  });
  let url = `${sim.url}/auth/authorize?${query}`;
  let init: RequestInit = {};
  for (let hop = 0; hop < 12; hop++) {
    const response = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers ?? {}), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, v] = (pair ?? "").split("=");
      if (k) jar.set(k, v ?? "");
    }
    const location = response.headers.get("location");
    if (location?.startsWith(REDIRECT)) return new URL(location);
    if (!location) {
      const html = await response.text();
      if (!html.includes("Sign in to Anaplan")) return { status: response.status, html };
      init = {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: user.email, password: user.password, action: "login" }).toString(),
      };
      continue;
    }
    url = new URL(location, url).href;
    init = {};
  }
  throw new Error("authorization did not finish");
}

async function exchange(code: string, options: { verifier?: string; json?: boolean; redirectUri?: string } = {}) {
  const fields = {
    grant_type: "authorization_code",
    code,
    redirect_uri: options.redirectUri ?? REDIRECT,
    ...(options.verifier ? { code_verifier: options.verifier } : {}),
  };
  const { id, secret } = sim.clients.authCode;
  const response = await fetch(
    `${sim.url}/oauth/token`,
    options.json
      ? {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ...fields, client_id: id, client_secret: secret }),
        }
      : {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`,
          },
          body: new URLSearchParams(fields).toString(),
        },
  );
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe("authorization code", () => {
  test("with PKCE, form + Basic and JSON + secret in the body both work; the code is single-use", async () => {
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const callback = await authorize({ challenge });
    assert.ok(callback instanceof URL);
    assert.equal(callback.searchParams.get("state"), "s-123");
    const code = callback.searchParams.get("code") ?? "";
    const tokens = await exchange(code, { verifier });
    assert.equal(tokens.status, 200);
    assert.equal(tokens.body.expires_in as unknown, 2100);
    assert.ok(tokens.body.refresh_token);
    // The id_token's issuer is not the configured URL (Anaplan's is undocumented) and nothing publishes its keys.
    const claims = JSON.parse(Buffer.from(tokens.body.id_token?.split(".")[1] ?? "", "base64url").toString());
    assert.notEqual(claims.iss, sim.url);
    assert.equal((await fetch(`${sim.url}/.well-known/openid-configuration`)).status, 404);
    assert.equal((await fetch(`${sim.url}/.well-known/jwks.json`)).status, 404);
    assert.equal((await exchange(code, { verifier })).status, 403, "a code works once");

    const second = await authorize();
    assert.ok(second instanceof URL);
    const viaJson = await exchange(second.searchParams.get("code") ?? "", { json: true });
    assert.equal(viaJson.status, 200);
  });

  test("a wrong PKCE verifier, a wrong redirect_uri or an unknown redirect_uri is refused", async () => {
    const verifier = randomBytes(32).toString("base64url");
    const callback = await authorize({ challenge: createHash("sha256").update(verifier).digest("base64url") });
    assert.ok(callback instanceof URL);
    assert.equal((await exchange(callback.searchParams.get("code") ?? "", { verifier: `${verifier}x` })).status, 403);
    const other = await authorize();
    assert.ok(other instanceof URL);
    assert.notEqual(
      (await exchange(other.searchParams.get("code") ?? "", { redirectUri: "http://localhost:3000/other" })).status,
      200,
    );
    const refused = await authorize({ redirectUri: "https://evil.example/callback" });
    assert.ok(!(refused instanceof URL), "no redirect to an unregistered URI");
  });

  test("the deny outcome answers access_denied without a login page", async () => {
    await operator.setLoginOutcome("deny");
    const jar = await fetch(
      `${sim.url}/auth/prelogin?${new URLSearchParams({ client_id: sim.clients.authCode.id, response_type: "code", redirect_uri: REDIRECT, scope: "openid", state: "x" })}`,
      { redirect: "manual" },
    );
    assert.equal(jar.status, 303);
    await operator.setLoginOutcome("normal");
  });
});

describe("Anaplan's API surface", () => {
  test("users/me accepts AnaplanAuthToken and Bearer and answers Anaplan's shape", async () => {
    const tokens = await deviceTokens(sim.clients.device.id, "service");
    for (const scheme of ["AnaplanAuthToken", "Bearer"]) {
      const response = await fetch(`${endpoints.apiUrl}/2/0/users/me`, {
        headers: { authorization: `${scheme} ${tokens.accessToken}` },
      });
      const body = await response.json();
      assert.equal(response.status, 200);
      assert.equal(body.status.code, 200);
      assert.equal(body.user.email, sim.users.service.email);
      assert.match(body.user.lastLoginDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    }
    assert.equal(
      (await fetch(`${sim.urls.api}/2/0/users/me`, { headers: { authorization: "AnaplanAuthToken nope" } })).status,
      401,
    );
  });

  test("validate and logout take only AnaplanAuthToken; logout kills the token everywhere", async () => {
    const { accessToken } = await deviceTokens(sim.clients.device.id, "service");
    assert.equal(
      (await fetch(`${sim.urls.auth}/token/validate`, { headers: { authorization: `Bearer ${accessToken}` } })).status,
      400,
    );
    const valid = await fetch(`${sim.urls.auth}/token/validate`, {
      headers: { authorization: `AnaplanAuthToken ${accessToken}` },
    });
    assert.equal((await valid.json()).userInfo.userId, sim.users.service.email);
    assert.equal(
      (
        await fetch(`${sim.urls.auth}/token/logout`, {
          method: "POST",
          headers: { authorization: `Bearer ${accessToken}` },
        })
      ).status,
      401,
    );
    assert.equal(
      (
        await fetch(`${sim.urls.auth}/token/logout`, {
          method: "POST",
          headers: { authorization: `AnaplanAuthToken ${accessToken}` },
        })
      ).status,
      204,
    );
    assert.equal(
      (await fetch(`${sim.urls.api}/2/0/users/me`, { headers: { authorization: `AnaplanAuthToken ${accessToken}` } }))
        .status,
      401,
    );
  });
});

describe("device grant and refresh", () => {
  const poll = (deviceCode: string) =>
    fetch(`${sim.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "urn:ietf:params:oauth:grant-type:device_code",
        client_id: sim.clients.device.id,
        device_code: deviceCode,
      }),
    });
  const deviceCode = async () =>
    (await (
      await fetch(`${sim.url}/oauth/device/code`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_id: sim.clients.device.id, scope: "openid profile email offline_access" }),
      })
    ).json()) as { device_code: string; user_code: string; interval: number; verification_uri_complete: string };

  test("pending is 403, polling faster than the interval is 429 slow_down, SSO users cannot approve", async () => {
    const code = await deviceCode();
    assert.equal(code.interval, 5);
    assert.ok(code.verification_uri_complete.startsWith(`${sim.url}/activate?user_code=`));
    const first = await poll(code.device_code);
    assert.equal(first.status, 403);
    assert.equal((await first.json()).error, "authorization_pending");
    const second = await poll(code.device_code);
    assert.equal(second.status, 429);
    assert.equal((await second.json()).error, "slow_down");
    await assert.rejects(operator.approve(code.user_code, "sso"), /SSO/);
  });

  test("a reused rotated refresh token is refused and revokes the whole grant", async () => {
    const tokens = await deviceTokens(sim.clients.device.id, "service");
    const refresh = (token: string) =>
      fetch(`${sim.url}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          client_id: sim.clients.device.id,
          refresh_token: token,
        }).toString(),
      });
    const rotated = await refresh(tokens.refreshToken ?? "");
    const next = (await rotated.json()) as { refresh_token: string };
    assert.ok(next.refresh_token && next.refresh_token !== tokens.refreshToken);
    const reused = await refresh(tokens.refreshToken ?? "");
    assert.equal(reused.status, 403);
    assert.equal((await reused.json()).error, "invalid_grant");
    assert.equal((await refresh(next.refresh_token)).status, 403, "reuse detection revoked the newer token too");
  });

  test("three hosts on three origins: each path answers only on its own host, as on real Anaplan", async () => {
    const origins = new Set(Object.values(sim.urls).map((u) => new URL(u).origin));
    assert.equal(origins.size, 3);
    const tokens = await deviceTokens(sim.clients.device.id, "service");
    const auth = { authorization: `AnaplanAuthToken ${tokens.accessToken}` };
    for (const wrong of [sim.urls.oauth, sim.urls.auth]) {
      assert.equal((await fetch(`${wrong}/2/0/users/me`, { headers: auth })).status, 404);
    }
    for (const wrong of [sim.urls.oauth, sim.urls.api]) {
      assert.equal((await fetch(`${wrong}/token/validate`, { headers: auth })).status, 404);
    }
    for (const wrong of [sim.urls.api, sim.urls.auth]) {
      assert.equal((await fetch(`${wrong}/oauth/token`, { method: "POST" })).status, 404);
      assert.equal((await fetch(`${wrong}/auth/authorize`)).status, 404);
    }
    assert.equal((await fetch(`${sim.urls.api}/2/0/users/me`, { headers: auth })).status, 200);
  });

  test("injected faults and counters", async () => {
    await operator.failNext({ endpoint: "users_me", count: 1, status: 503 });
    assert.equal((await fetch(`${sim.urls.api}/2/0/users/me`)).status, 503);
    const before = await operator.counters();
    await fetch(`${sim.urls.api}/2/0/users/me`);
    assert.equal((await operator.counters()).usersMe, before.usersMe + 1);
  });
});

describe("the operator API (security review #12)", () => {
  test("refuses cross-site simple requests, other Host names and calls without the operator token", async () => {
    const at = `${sim.url}/__simulator/defaults`;
    const body = JSON.stringify({ deviceInterval: 1 });
    const token = { "x-simulator-operator": "simulator" };
    const refused = [
      await fetch(at, { method: "POST", headers: { ...token, "content-type": "text/plain" }, body }),
      await fetch(at, { method: "POST", headers: { "content-type": "application/json" }, body }),
      await fetch(at, {
        method: "POST",
        headers: { ...token, "content-type": "application/json", "x-simulator-operator": "guess" },
        body,
      }),
      await fetch(`${sim.url}/__simulator/issued`),
    ];
    for (const r of refused) assert.equal(r.status, 403);
    const rebound = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${sim.url}/__simulator/issued`);
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          headers: { ...token, host: `evil.example:${url.port}` },
        },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on("error", reject);
      req.end();
    });
    assert.equal(rebound, 403, "a DNS-rebound Host is refused");
    assert.equal(
      (await fetch(at, { method: "POST", headers: { ...token, "content-type": "application/json" }, body })).status,
      200,
    );
  });
});
