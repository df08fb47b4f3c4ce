// Approving or denying a device code, as Anaplan's verification page does (and as the operator API does for
// tests). SSO users cannot approve: Anaplan disables the device grant for them.
import type Provider from "oidc-provider";
import type { SimulatorUser } from "./accounts";

export class SimulatorRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const normalize = (userCode: string) => userCode.toUpperCase().replace(/\W/g, "");

async function pendingCode(provider: Provider, userCode: string) {
  const code = await provider.DeviceCode.findByUserCode(normalize(userCode));
  if (!code || code.accountId || code.error || code.consumed) {
    throw new SimulatorRefusal(404, "This code is unknown, expired or already used.");
  }
  return code;
}

export async function approveDevice(provider: Provider, userCode: string, user: SimulatorUser) {
  if (user.sso) throw new SimulatorRefusal(403, "Device authorization is not available for SSO users.");
  const code = await pendingCode(provider, userCode);
  const scope = String((code.params as { scope?: string } | undefined)?.scope ?? "openid");
  const grant = new provider.Grant({ accountId: user.id, clientId: code.clientId });
  grant.addOIDCScope(scope);
  code.grantId = await grant.save();
  code.accountId = user.id;
  code.scope = scope;
  code.authTime = Math.floor(Date.now() / 1000);
  await code.save();
}

export async function denyDevice(provider: Provider, userCode: string) {
  const code = await pendingCode(provider, userCode);
  code.error = "access_denied";
  code.errorDescription = "The user denied the request.";
  await code.save();
}

/**
 * Grants as if `user` approved `count` device codes of `clientId` and each was polled: one refresh token per grant,
 * made in memory so a benchmark can seed a fleet without a round trip per identity.
 */
export async function mintRefreshTokens(provider: Provider, user: SimulatorUser, clientId: string, count: number) {
  if (user.sso) throw new SimulatorRefusal(403, "Device authorization is not available for SSO users.");
  const client = await provider.Client.find(clientId);
  if (!client?.grantTypeAllowed("urn:ietf:params:oauth:grant-type:device_code")) {
    throw new SimulatorRefusal(404, "unknown device client");
  }
  const scope = "openid offline_access";
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const grant = new provider.Grant({ accountId: user.id, clientId });
    grant.addOIDCScope(scope);
    const grantId = await grant.save();
    const token = new provider.RefreshToken({ client, accountId: user.id, grantId, scope, gty: "device_code" });
    tokens.push(await token.save());
  }
  return tokens;
}
