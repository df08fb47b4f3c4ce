import type { Endpoints } from "@/lib/anaplan/settings";
import type { GrantClient } from "@/lib/grants/client";
import type { RefreshLifetime } from "@/lib/grants/lifetime";

type IdentityHosts = { oauthUrl: string; apiUrl: string; authUrl: string };

export const endpointsOf = (identity: IdentityHosts): Endpoints => ({
  oauthUrl: identity.oauthUrl,
  apiUrl: identity.apiUrl,
  authUrl: identity.authUrl,
});

/** How an identity's grant is refreshed, and where a failure is filed in the audit trail. */
export const grantClientOf = (
  identity: IdentityHosts & {
    id: string;
    teamId: string;
    rotatable: boolean;
    refreshTokenTtlSeconds: number | null;
    refreshLifetime: RefreshLifetime;
    certificateFormat: "v2" | "v1";
  },
): GrantClient => ({
  endpoints: endpointsOf(identity),
  refreshTokenTtlSeconds: identity.rotatable ? identity.refreshTokenTtlSeconds : null,
  refreshLifetime: identity.refreshLifetime,
  certificateFormat: identity.certificateFormat,
  audit: { teamId: identity.teamId, targetType: "identity", targetId: identity.id },
});
