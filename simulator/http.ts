// The simulator's front door. Anaplan-specific behaviour that oidc-provider does not have lives here: JSON bodies,
// client_secret_post for a client registered for Basic, slow_down, injected faults and delays, counters, the
// /auth/prelogin alias, the hidden discovery routes, and Anaplan's own API routes.
import type { IncomingMessage, ServerResponse } from "node:http";
import querystring from "node:querystring";
import { setTimeout as sleep } from "node:timers/promises";
import type Provider from "oidc-provider";
import { userByEmail } from "./accounts";
import { json, logoutToken, usersMe, validateToken } from "./anaplan-api";
import type { CertificateRoutes } from "./certificate-routes";
import type { Control, Endpoint, Fault } from "./control";
import { approveDevice, denyDevice, SimulatorRefusal } from "./device";
import type { IntegrationApi } from "./integration";
import { handleInteraction, html } from "./interactions";
import { handleOperator } from "./operator";
import { devicePage } from "./pages";
import type { createStore } from "./store";

type Params = Record<string, string>;

async function readText(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function readParams(req: IncomingMessage): Promise<Params> {
  const text = await readText(req);
  if (!text) return {};
  if ((req.headers["content-type"] ?? "").includes("application/json")) {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(Object.entries(querystring.parse(text)).map(([k, v]) => [k, String(v)]));
}

/** The calls the operator API counts (tokens are counted per client and grant, in token()). */
const COUNTED: Partial<Record<Endpoint, "deviceCode" | "usersMe" | "logout" | "validate" | "revoke">> = {
  device_code: "deviceCode",
  users_me: "usersMe",
  logout: "logout",
  validate: "validate",
  revoke: "revoke",
};

const ENDPOINTS: Record<string, Endpoint> = {
  "POST /oauth/token": "token",
  "POST /oauth/device/code": "device_code",
  "GET /2/0/users/me": "users_me",
  "POST /token/logout": "logout",
  "GET /token/validate": "validate",
  "POST /oauth/revoke": "revoke",
  "POST /token/authenticate": "authenticate",
};

const GRANTS: Record<string, "authorization_code" | "refresh_token" | "device_code"> = {
  authorization_code: "authorization_code",
  refresh_token: "refresh_token",
  "urn:ietf:params:oauth:grant-type:device_code": "device_code",
};

/**
 * The operator API can hand out every token the simulator issued, so only a caller that means it gets through: the
 * Host must be this loopback address (no DNS rebinding), a POST must be JSON and every call must carry the operator
 * token in a header (neither is possible for a cross-site "simple" request).
 */
function operatorRefusal(req: IncomingMessage, url: string, token: string): string | undefined {
  const { port } = new URL(url);
  const hosts = [new URL(url).host, `localhost:${port}`, `[::1]:${port}`];
  if (!hosts.includes(req.headers.host ?? "")) return "operator calls are taken on the loopback address only";
  if (req.method === "POST" && !(req.headers["content-type"] ?? "").startsWith("application/json")) {
    return "operator calls must be JSON";
  }
  if (req.headers["x-simulator-operator"] !== token) return "operator calls need the x-simulator-operator token";
  return undefined;
}

const HUGE_BYTES = 10 * 1024 * 1024;

/** 10 MB that start like a token response, written as fast as the client reads; a client that hangs up ends it. */
function answerHuge(res: ServerResponse, status: number) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.on("error", () => {});
  res.write('{"access_token":"');
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  const pump = () => {
    while (sent < HUGE_BYTES && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    if (!res.destroyed) res.end('"}');
  };
  pump();
}

/** The shapes real outages and broken servers take, from a proxy's HTML page to a document of the wrong shape. */
function answerFault(res: ServerResponse, fault: Fault) {
  switch (fault.body) {
    case "huge":
      return answerHuge(res, fault.status);
    case "json":
      return json(res, fault.status, fault.json ?? {});
    case "close":
      res.socket?.destroy();
      return;
    case "html":
      res.writeHead(fault.status, { "Content-Type": "text/html" });
      res.end("<!doctype html><html><body><h1>Service temporarily unavailable</h1></body></html>");
      return;
    case "empty":
      res.writeHead(fault.status).end();
      return;
    case "text":
      res.writeHead(fault.status, { "Content-Type": "text/plain" }).end("Forbidden");
      return;
    default:
      json(res, fault.status, {
        error: fault.error ?? "temporarily_unavailable",
        error_description: "Injected by the simulator.",
      });
  }
}

/** Lets the call be processed now but holds its answer back: the client times out after the server acted. */
function delayAnswer(res: ServerResponse, ms: number) {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    setTimeout(() => end(...args), ms);
    return res;
  }) as ServerResponse["end"];
}

/** Which of Anaplan's hosts serves an API endpoint; everything else (authorize, activate, operator) is OAuth's. */
const HOST_OF: Record<Endpoint, "oauth" | "api" | "auth"> = {
  token: "oauth",
  device_code: "oauth",
  revoke: "oauth",
  users_me: "api",
  validate: "auth",
  logout: "auth",
  authenticate: "auth",
};

const clientOf = (req: IncomingMessage, params: Params) => {
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  return (
    params.client_id ?? (basic ? decodeURIComponent(Buffer.from(basic, "base64").toString().split(":")[0] ?? "") : "")
  );
};

/** Passes a pre-read body to oidc-provider, which accepts an upstream-parsed form body. */
function forward(callback: Callback, req: IncomingMessage, res: ServerResponse, params: Params) {
  Object.assign(req, { body: params });
  req.headers["content-type"] = "application/x-www-form-urlencoded";
  return callback(req, res);
}

/** The auth-code client is registered for client_secret_basic; Anaplan accepts the secret in the body too. */
function secretAsBasic(req: IncomingMessage, params: Params): Params {
  if (!params.client_secret) return params;
  const { client_secret: secret, client_id: _id, ...rest } = params;
  const basic = Buffer.from(`${encodeURIComponent(clientOf(req, params))}:${encodeURIComponent(secret)}`);
  req.headers.authorization = `Basic ${basic.toString("base64")}`;
  return rest;
}

async function activate(provider: Provider, req: IncomingMessage, res: ServerResponse, query: URLSearchParams) {
  if (req.method !== "POST") return html(res, 200, devicePage(query.get("user_code") ?? ""));
  const form = await readParams(req);
  const userCode = form.user_code ?? "";
  try {
    if (form.action === "deny") {
      await denyDevice(provider, userCode);
      return html(res, 200, devicePage(userCode, { ok: "Denied. The application will not get access." }));
    }
    const user = userByEmail(form.email ?? "");
    if (!user || user.password !== form.password) {
      return html(res, 200, devicePage(userCode, { error: "Wrong email or password." }));
    }
    await approveDevice(provider, userCode, user);
    return html(res, 200, devicePage(userCode, { ok: "Approved. You can close this window." }));
  } catch (error) {
    if (!(error instanceof SimulatorRefusal)) throw error;
    return html(res, error.status, devicePage(userCode, { error: error.message }));
  }
}

type Callback = ReturnType<Provider["callback"]>;

/** Delays and faults the operator asked for, then counts the call; true when a fault has answered instead. */
async function injectedFault(control: Control, endpoint: Endpoint, res: ServerResponse) {
  const delay = control.takeDelay(endpoint);
  if (delay?.after) delayAnswer(res, delay.ms);
  else if (delay) await sleep(delay.ms);
  const fault = control.takeFault(endpoint);
  if (fault) {
    answerFault(res, fault);
    return true;
  }
  const counter = COUNTED[endpoint];
  if (counter) control.state.counters[counter]++;
  return false;
}

type HandlerDeps = {
  provider: Provider;
  control: Control;
  store: ReturnType<typeof createStore>;
  urls: { oauth: string; api: string; auth: string };
  role: "oauth" | "api" | "auth";
  operatorToken: string;
  /** The operator API's own (loopback) address, which its callers must name as Host. */
  operatorUrl: string;
  certificates: CertificateRoutes;
  /** One Integration API (its workspaces, models and files) however many listeners share it. */
  integration: IntegrationApi;
};

export function createHandler(deps: HandlerDeps) {
  const { provider, control, store, urls, role } = deps;
  const url = urls[role];
  const callback = provider.callback();
  const lastDevicePoll = new Map<string, number>();

  async function token(req: IncomingMessage, res: ServerResponse) {
    const params = await readParams(req);
    const clientId = clientOf(req, params);
    const grant = GRANTS[params.grant_type ?? ""];
    if (grant) control.countToken(clientId, grant);
    if (grant === "device_code" && pollsTooFast(params.device_code ?? "")) {
      return json(res, 429, { error: "slow_down", error_description: "You are polling faster than the interval." });
    }
    return forward(callback, req, res, secretAsBasic(req, params));
  }

  /** RFC 8628 §3.5: polling faster than `interval` earns slow_down (oidc-provider does not enforce it). */
  function pollsTooFast(deviceCode: string) {
    const last = lastDevicePoll.get(deviceCode);
    lastDevicePoll.set(deviceCode, Date.now());
    return last !== undefined && Date.now() - last < control.state.defaults.deviceInterval * 1000;
  }

  return async function handle(req: IncomingMessage, res: ServerResponse) {
    const requestUrl = new URL(req.url ?? "/", url);
    const path = requestUrl.pathname;
    const endpoint = ENDPOINTS[`${req.method} ${path}`];
    if (role === "api" && !endpoint && path.startsWith("/2/0/")) return await deps.integration(req, res, path);
    // Browsers ask every host for an icon; "none" is not an error (a 404 is one in their console).
    if (path === "/favicon.ico") return res.writeHead(204).end();
    if ((endpoint ? HOST_OF[endpoint] : "oauth") !== role) return json(res, 404, { error: "not_found" });
    try {
      if (path.startsWith("/__simulator/")) {
        const refusal = operatorRefusal(req, deps.operatorUrl, deps.operatorToken);
        if (refusal) return json(res, 403, { error: refusal });
        const body = req.method === "POST" ? JSON.parse((await readText(req)) || "{}") : {};
        return await handleOperator({ provider, control, store, ca: deps.certificates.ca }, path, body, res);
      }
      if (path.startsWith("/.well-known/")) return json(res, 404, { error: "not_found" });
      if (endpoint && (await injectedFault(control, endpoint, res))) return;
      if (endpoint === "users_me") return await usersMe(provider, req, res, control.state.profile === "minimal");
      if (endpoint === "validate") return await validateToken(provider, url, req, res);
      if (endpoint === "logout") return await logoutToken(provider, req, res);
      if (endpoint === "authenticate") return await deps.certificates.authenticate(req, res, await readText(req));
      if (path === "/certificates" || path === "/certificates/ca.pem") {
        return await deps.certificates.page(req, res, path, req.method === "POST" ? await readParams(req) : undefined);
      }
      if (endpoint === "token") return await token(req, res);
      if (endpoint === "device_code") return forward(callback, req, res, await readParams(req));
      if (endpoint === "revoke") return forward(callback, req, res, secretAsBasic(req, await readParams(req)));
      if (path === "/activate") return await activate(provider, req, res, requestUrl.searchParams);
      if (path.startsWith("/interaction/")) {
        const form = req.method === "POST" ? await readParams(req) : undefined;
        return await handleInteraction(provider, control, req, res, form);
      }
      if (path === "/auth/prelogin" || path === "/auth/authorize") {
        if (control.state.pkce === "unsupported") {
          requestUrl.searchParams.delete("code_challenge");
          requestUrl.searchParams.delete("code_challenge_method");
        }
        req.url = `/auth/authorize${requestUrl.search}`;
      }
      return callback(req, res);
    } catch (error) {
      if (error instanceof SimulatorRefusal) return json(res, error.status, { error: error.message });
      return json(res, 500, {
        error: "server_error",
        error_description: error instanceof Error ? error.message : "failed",
      });
    }
  };
}
