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
