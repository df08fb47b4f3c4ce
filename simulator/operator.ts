// The operator API: what tests use to play the human at Anaplan and to break things on purpose. It has no
// authentication; the simulator binds 127.0.0.1 and is never started in production unless explicitly asked.
import type { ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { type ClientBehaviour, type SimulatorUser, USERS } from "./accounts";
import { json } from "./anaplan-api";
import type { Control, Defaults, Endpoint, FaultBody } from "./control";
import { approveDevice, denyDevice, mintRefreshTokens } from "./device";
import type { createStore } from "./store";

type Body = Record<string, unknown>;

export async function handleOperator(
  provider: Provider,
  control: Control,
  store: ReturnType<typeof createStore>,
  path: string,
  body: Body,
  res: ServerResponse,
) {
  const user = (key: unknown) => USERS[String(key) as SimulatorUser["key"]];
  switch (path) {
    case "/__simulator/approve": {
      const who = user(body.user);
      if (!who) return json(res, 400, { error: "unknown user" });
      await approveDevice(provider, String(body.userCode), who);
      return json(res, 200, { ok: true });
    }
    case "/__simulator/deny":
      await denyDevice(provider, String(body.userCode));
      return json(res, 200, { ok: true });
    case "/__simulator/mint": {
      const who = user(body.user);
      const count = Number(body.count ?? 1);
      if (!who) return json(res, 400, { error: "unknown user" });
      if (!Number.isInteger(count) || count < 1 || count > 5000) return json(res, 400, { error: "count: 1 to 5000" });
      const refreshTokens = await mintRefreshTokens(provider, who, String(body.clientId), count);
      for (const token of refreshTokens) control.state.issued.add(token);
      return json(res, 200, { refreshTokens });
    }
    case "/__simulator/revoke-grants": {
      const accountId = body.user ? user(body.user)?.id : undefined;
      const grants = store.grants(
        (g) => (!accountId || g.accountId === accountId) && (!body.clientId || g.clientId === body.clientId),
      );
      for (const id of grants) store.revokeGrant(id);
      return json(res, 200, { revoked: grants.length });
    }
    case "/__simulator/client": {
      const current = control.state.clients[String(body.clientId)];
      if (!current) return json(res, 404, { error: "unknown client" });
      Object.assign(current, pick(body, ["rotatable", "refreshTokenTtlSeconds", "lifetime"]));
      return json(res, 200, current);
    }
    case "/__simulator/defaults":
      Object.assign(
        control.state.defaults,
        pick(body, ["accessTokenTtlSeconds", "deviceCodeTtlSeconds", "deviceInterval"]),
      );
      return json(res, 200, control.state.defaults);
    case "/__simulator/fail-next":
      control.state.faults.push({
        endpoint: body.endpoint as Endpoint,
        count: Number(body.count ?? 1),
        status: Number(body.status ?? 503),
        error: body.error ? String(body.error) : undefined,
        body: ["oauth", "html", "empty", "text", "close", "huge", "json"].includes(String(body.body))
          ? (String(body.body) as FaultBody)
          : "oauth",
        json: body.json,
      });
      return json(res, 200, { ok: true });
    case "/__simulator/slow-next":
      control.state.delays.push({
        endpoint: body.endpoint as Endpoint,
        count: Number(body.count ?? 1),
        ms: Number(body.ms ?? 0),
        after: body.after === true,
      });
      return json(res, 200, { ok: true });
    case "/__simulator/login-outcome":
      control.state.loginOutcome = body.outcome === "deny" ? "deny" : "normal";
      return json(res, 200, { ok: true });
    case "/__simulator/pkce":
      control.state.pkce = body.pkce === "required" || body.pkce === "unsupported" ? body.pkce : "optional";
      return json(res, 200, { ok: true });
    case "/__simulator/profile":
      control.state.profile = body.profile === "minimal" ? "minimal" : "full";
      return json(res, 200, { ok: true });
    case "/__simulator/counters":
      return json(res, 200, control.state.counters);
    case "/__simulator/issued":
      return json(res, 200, [...control.state.issued]);
    case "/__simulator/reset":
      control.reset();
      return json(res, 200, { ok: true });
    default:
      return json(res, 404, { error: "unknown operator call" });
  }
}

function pick(body: Body, keys: (keyof Defaults | keyof ClientBehaviour)[]) {
  return Object.fromEntries(keys.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
}
