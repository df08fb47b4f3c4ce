import type { Endpoints } from "@/lib/anaplan-env";

export const endpointsOf = (identity: { oauthUrl: string; apiUrl: string; authUrl: string }): Endpoints => ({
  oauthUrl: identity.oauthUrl,
  apiUrl: identity.apiUrl,
  authUrl: identity.authUrl,
});
