// How one grant is refreshed and where its failures are filed: what the refresh and its failure handling both read.
import type { CertificateFormat } from "@/lib/anaplan";
import type { Endpoints } from "@/lib/anaplan/settings";
import type { TargetType } from "@/lib/audit/vocabulary";
import type { RefreshLifetime } from "./lifetime";

export type GrantClient = {
  endpoints: Endpoints;
  refreshTokenTtlSeconds?: number | null;
  /** How a rotated refresh token's deadline is reckoned; absolute unless the identity says otherwise. */
  refreshLifetime?: RefreshLifetime;
  /** A certificate grant's nonce payload (v2 unless the identity must fall back to v1). */
  certificateFormat?: CertificateFormat;
  /** Where a refresh failure is filed in the audit trail (an identity's team), when the grant belongs to one. */
  audit?: { teamId: string; targetType: TargetType; targetId: string };
};
