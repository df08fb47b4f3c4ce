// The operator API: what tests use to play the human at Anaplan and to break things on purpose. It has no
// authentication; the simulator binds 127.0.0.1 and is never started in production unless explicitly asked.
import type { ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { type ClientBehaviour, type SimulatorUser, USERS } from "./accounts";
import { json } from "./anaplan-api";
import type { CertificateAuthority } from "./certificates";
import type { Control, Defaults, Endpoint, FaultBody } from "./control";
import { approveDevice, denyDevice, mintRefreshTokens } from "./device";
import type { createStore } from "./store";

type Body = Record<string, unknown>;

type Deps = { provider: Provider; control: Control; store: ReturnType<typeof createStore>; ca: CertificateAuthority };
type Call = Deps & { body: Body };
type Answer = [status: number, body: unknown];

const OK: Answer = [200, { ok: true }];
const user = (key: unknown) => USERS[String(key) as SimulatorUser["key"]];
const FAULT_BODIES = ["oauth", "html", "empty", "text", "close", "huge", "json"];

/** Each operator call by its path under /__simulator/. */
const CALLS: Record<string, (call: Call) => Answer | Promise<Answer>> = {
  approve: async ({ provider, body }) => {
    const who = user(body.user);
    if (!who) return [400, { error: "unknown user" }];
    await approveDevice(provider, String(body.userCode), who);
    return OK;
  },
  deny: async ({ provider, body }) => {
    await denyDevice(provider, String(body.userCode));
    return OK;
  },
  mint: async ({ provider, control, body }) => {
    const who = user(body.user);
    const count = Number(body.count ?? 1);
    if (!who) return [400, { error: "unknown user" }];
    if (!Number.isInteger(count) || count < 1 || count > 5000) return [400, { error: "count: 1 to 5000" }];
    const refreshTokens = await mintRefreshTokens(provider, who, String(body.clientId), count);
    for (const token of refreshTokens) control.state.issued.add(token);
    return [200, { refreshTokens }];
  },
  "revoke-grants": ({ store, body }) => {
    const accountId = body.user ? user(body.user)?.id : undefined;
    const grants = store.grants(
      (g) => (!accountId || g.accountId === accountId) && (!body.clientId || g.clientId === body.clientId),
    );
    for (const id of grants) store.revokeGrant(id);
    return [200, { revoked: grants.length }];
  },
  client: ({ control, body }) => {
    const current = control.state.clients[String(body.clientId)];
    if (!current) return [404, { error: "unknown client" }];
    Object.assign(current, pick(body, ["rotatable", "refreshTokenTtlSeconds", "lifetime"]));
    return [200, current];
  },
  defaults: ({ control, body }) => {
    Object.assign(
      control.state.defaults,
      pick(body, [
        "accessTokenTtlSeconds",
        "deviceCodeTtlSeconds",
        "deviceInterval",
        "integrationLatencyMs",
        "integrationBytesPerSecond",
      ]),
    );
    return [200, control.state.defaults];
  },
  "fail-next": ({ control, body }) => {
    control.state.faults.push({
      endpoint: body.endpoint as Endpoint,
      count: Number(body.count ?? 1),
      status: Number(body.status ?? 503),
      error: body.error ? String(body.error) : undefined,
      body: FAULT_BODIES.includes(String(body.body)) ? (String(body.body) as FaultBody) : "oauth",
      json: body.json,
    });
    return OK;
  },
  "slow-next": ({ control, body }) => {
    control.state.delays.push({
      endpoint: body.endpoint as Endpoint,
      count: Number(body.count ?? 1),
      ms: Number(body.ms ?? 0),
      after: body.after === true,
    });
    return OK;
  },
  "login-outcome": ({ control, body }) => {
    control.state.loginOutcome = body.outcome === "deny" ? "deny" : "normal";
    return OK;
  },
  pkce: ({ control, body }) => {
    control.state.pkce = body.pkce === "required" || body.pkce === "unsupported" ? body.pkce : "optional";
    return OK;
  },
  profile: ({ control, body }) => {
    control.state.profile = body.profile === "minimal" ? "minimal" : "full";
    return OK;
  },
  /** A certificate from the test CA for a CSR; `notBefore`/`notAfter` (ISO) and `email` make the faulty ones. */
  "sign-csr": async ({ ca, body }) => {
    const date = (v: unknown) => (typeof v === "string" ? new Date(v) : undefined);
    try {
      const certificate = await ca.sign(String(body.csr ?? ""), {
        notBefore: date(body.notBefore),
        notAfter: date(body.notAfter),
        email: typeof body.email === "string" ? body.email : undefined,
        keyUsage: body.keyUsage === "none" ? "none" : undefined,
      });
      return [200, { certificate, ca: ca.pem }];
    } catch (error) {
      return [400, { error: error instanceof Error ? error.message : "cannot sign" }];
    }
  },
  certificates: ({ control, body }) => {
    const settings = control.state.certificates;
    if (typeof body.allowV1 === "boolean") settings.allowV1 = body.allowV1;
    if (typeof body.clockSkewSeconds === "number") settings.clockSkewSeconds = body.clockSkewSeconds;
    if (typeof body.revoke === "string") settings.revoked.push(body.revoke);
    return [200, settings];
  },
  counters: ({ control }) => [200, control.state.counters],
  issued: ({ control }) => [200, [...control.state.issued]],
  reset: ({ control }) => {
    control.reset();
    return OK;
  },
};

export async function handleOperator(deps: Deps, path: string, body: Body, res: ServerResponse) {
  const call = Object.hasOwn(CALLS, path.slice("/__simulator/".length))
    ? CALLS[path.slice("/__simulator/".length)]
    : undefined;
  if (!call) return json(res, 404, { error: "unknown operator call" });
  const [status, answer] = await call({ ...deps, body });
  return json(res, status, answer);
}

function pick(body: Body, keys: (keyof Defaults | keyof ClientBehaviour)[]) {
  return Object.fromEntries(keys.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
}
