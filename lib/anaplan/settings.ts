// Where the portal's own Anaplan clients live, from configuration. lib/anaplan takes endpoints as arguments and
// never reads the environment; this is the one place that turns settings into them.
import type { AnaplanEndpoints } from "@/lib/anaplan";
import { env } from "@/lib/platform/env";

export type Endpoints = AnaplanEndpoints;

export function portalEndpoints(): Endpoints {
  const e = env();
  return { oauthUrl: e.ANAPLAN_OAUTH_URL, apiUrl: e.ANAPLAN_API_URL, authUrl: e.ANAPLAN_AUTH_URL };
}

/** The sign-in client has a secret; device-grant clients have none (Anaplan refuses one). */
export function clientSecretFor(clientId: string): string | undefined {
  const e = env();
  return clientId === e.ANAPLAN_CLIENT_ID ? e.ANAPLAN_CLIENT_SECRET : undefined;
}

/**
 * Verification links are shown only for Anaplan's own hosts (https://*.anaplan.com) and the OAuth host the portal
 * is configured with — Anaplan, the bundled simulator, or any Anaplan-compatible server an operator chose.
 */
export function verificationOrigins(): string[] {
  return [new URL(env().ANAPLAN_OAUTH_URL).origin];
}
