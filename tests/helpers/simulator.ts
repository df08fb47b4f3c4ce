// A simulator of this test file's own, with the portal's Anaplan settings pointed at it.
import { after } from "node:test";
import { pollDeviceToken, requestDeviceCode, type TokenSet } from "@/lib/anaplan";
import { publishEnv } from "@/lib/platform/env";
import { type SimulatorOptions, simulatorSettings, startSimulator } from "@/simulator";
import { simulatorOperator } from "@/simulator/operator-client";

export async function setUpSimulator(options: Partial<SimulatorOptions> = {}) {
  const simulator = await startSimulator({
    port: 0,
    redirectUris: ["http://localhost:3000/api/auth/callback/anaplan"],
    ...options,
  });
  after(() => simulator.close());
  publishEnv(simulatorSettings(simulator));
  const endpoints = { oauthUrl: simulator.urls.oauth, apiUrl: simulator.urls.api, authUrl: simulator.urls.auth };
  const operator = simulatorOperator(simulator.url);
  /** Tokens for `clientId` the way a service identity gets them: device code, approved by `user`. */
  async function deviceTokens(clientId: string, user: "admin" | "member" | "service" = "service"): Promise<TokenSet> {
    const code = await requestDeviceCode(endpoints, { clientId });
    await operator.approve(code.userCode, user);
    return pollDeviceToken(endpoints, { clientId, deviceCode: code.deviceCode });
  }
  return { simulator, endpoints, operator, deviceTokens };
}
