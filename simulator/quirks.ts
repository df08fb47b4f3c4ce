// Reshapes oidc-provider's token-endpoint answers into Anaplan's (Auth0's): device-polling and refresh errors as
// 403/429, `interval` in the device response, no refresh_token from a Non-Rotatable client's refresh; and notes
// every token issued, so tests can search the portal's database, cookies, pages and logs for them.
import type Provider from "oidc-provider";
import type { Control } from "./control";

const STATUS: Record<string, number> = {
  authorization_pending: 403,
  slow_down: 429,
  expired_token: 403,
  access_denied: 403,
  invalid_grant: 403,
};

export function applyAnaplanQuirks(provider: Provider, control: Control) {
  provider.on("authorization_code.saved", (code) => control.state.issued.add(code.jti));
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== "object" || Buffer.isBuffer(body)) return;
    if (ctx.path === "/oauth/device/code" && typeof body.device_code === "string") {
      body.interval = control.state.defaults.deviceInterval;
      control.state.issued.add(body.device_code);
    }
    if (ctx.path !== "/oauth/token") return;
    if (typeof body.error === "string" && STATUS[body.error]) ctx.status = STATUS[body.error] ?? ctx.status;
    for (const key of ["access_token", "refresh_token", "id_token"]) {
      if (typeof body[key] === "string") control.state.issued.add(body[key] as string);
    }
    const clientId = ctx.oidc?.client?.clientId;
    if (
      ctx.oidc?.params?.grant_type === "refresh_token" &&
      control.state.clients[clientId ?? ""]?.rotatable === false
    ) {
      delete body.refresh_token;
    }
  });
}
