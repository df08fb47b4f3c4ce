// The identity row, described once for reading. The dashboard list's statement, the broker's caller statement and
// the identity page's query take their columns from here, and their state inputs through stateOf, so what an
// identity's state is derived from cannot differ between the list, the page and the broker (which is how a field
// once went missing from one reader).
import type { RefreshLifetime } from "@/lib/grants/lifetime";
import { attentionReason, deriveState } from "./state";

type GrantStatus = "active" | "needs_attention" | "revoked";

/** The grant's fields a reader needs: Prisma's name → its column, and its name in a flat SQL row. */
const GRANT_FIELDS = {
  status: { column: "status::text", as: "grantStatus" },
  statusReason: { column: "status_reason", as: "grantStatusReason" },
  refreshTokenExpiresAt: { column: "refresh_token_expires_at", as: "refreshTokenExpiresAt" },
  unreachableSince: { column: "unreachable_since", as: "unreachableSince" },
  accessTokenExpiresAt: { column: "access_token_expires_at", as: "accessTokenExpiresAt" },
  lastRefreshAt: { column: "last_refresh_at", as: "lastRefreshAt" },
  createdAt: { column: "created_at", as: "grantCreatedAt" },
} as const;

/** The identity's own columns every reader needs: its name, its state inputs and its settings. */
const IDENTITY_COLUMNS = {
  id: "id",
  teamId: "team_id",
  name: "name",
  description: "description",
  kind: "kind::text",
  certificateFormat: "certificate_format::text",
  expectedEmail: "expected_email",
  deviceClientId: "device_client_id",
  oauthUrl: "oauth_url",
  apiUrl: "api_url",
  authUrl: "auth_url",
  rotatable: "rotatable",
  refreshTokenTtlSeconds: "refresh_token_ttl_seconds",
  refreshLifetime: "refresh_lifetime::text",
  lifetimeLearned: "lifetime_learned",
  approvedByEmail: "approved_by_email",
  approvedByAnaplanId: "approved_by_anaplan_id",
  approvedByCustomerId: "approved_by_customer_id",
  grantId: "grant_id",
  deactivatedAt: "deactivated_at",
  revokedAt: "revoked_at",
  lastUsedAt: "last_used_at",
} as const;

/** What the identity form edits (lib/identities/form-values.ts). */
export type IdentitySettings = {
  name: string;
  description: string;
  kind: "device_grant" | "certificate";
  certificateFormat: "v2" | "v1";
  expectedEmail: string | null;
  deviceClientId: string;
  oauthUrl: string;
  rotatable: boolean;
  refreshTokenTtlSeconds: number | null;
};

export type GrantState = {
  status: GrantStatus;
  statusReason: string | null;
  refreshTokenExpiresAt: Date | null;
  unreachableSince: Date | null;
  accessTokenExpiresAt: Date | null;
  lastRefreshAt: Date | null;
  createdAt: Date;
};

/** One identity as a flat SQL row (`IDENTITY_ROW_SQL`): its columns, a pending enrolment, its grant's fields. */
export type IdentityRow = IdentitySettings & {
  id: string;
  teamId: string;
  apiUrl: string;
  authUrl: string;
  refreshLifetime: RefreshLifetime;
  lifetimeLearned: boolean;
  approvedByEmail: string | null;
  approvedByAnaplanId: string | null;
  approvedByCustomerId: string | null;
  grantId: string | null;
  deactivatedAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  hasPendingEnrolment: boolean;
  grantStatus: GrantStatus | null;
  grantStatusReason: string | null;
  refreshTokenExpiresAt: Date | null;
  unreachableSince: Date | null;
  accessTokenExpiresAt: Date | null;
  lastRefreshAt: Date | null;
  grantCreatedAt: Date | null;
};

/** The SELECT list of an identity row from `service_identities si LEFT JOIN grants g ON g.id = si.grant_id`. */
export const IDENTITY_ROW_SQL = [
  ...Object.entries(IDENTITY_COLUMNS).map(([as, column]) => `si.${column} AS "${as}"`),
  `EXISTS (SELECT 1 FROM enrolments e WHERE e.identity_id = si.id AND e.status = 'pending') AS "hasPendingEnrolment"`,
  ...Object.values(GRANT_FIELDS).map(({ column, as }) => `g.${column} AS "${as}"`),
].join(",\n  ");

/** The same grant fields for a Prisma query (the identity page). */
export const grantSelect = Object.fromEntries(Object.keys(GRANT_FIELDS).map((field) => [field, true])) as {
  [F in keyof typeof GRANT_FIELDS]: true;
};

/** A flat row's grant, nested as Prisma loads it (null when the identity has none). */
export function grantOf(row: IdentityRow): GrantState | null {
  if (row.grantStatus === null) return null;
  return {
    status: row.grantStatus,
    statusReason: row.grantStatusReason,
    refreshTokenExpiresAt: row.refreshTokenExpiresAt,
    unreachableSince: row.unreachableSince,
    accessTokenExpiresAt: row.accessTokenExpiresAt,
    lastRefreshAt: row.lastRefreshAt,
    createdAt: row.grantCreatedAt ?? new Date(0),
  };
}

/** The state and its reason, from the identity's own columns, a pending enrolment and its grant. */
export function stateOf(
  identity: { deactivatedAt: Date | null; revokedAt: Date | null; hasPendingEnrolment: boolean },
  grant: GrantState | null,
  now = new Date(),
) {
  const inputs = { ...identity, grant };
  return { state: deriveState(inputs, now), attentionReason: attentionReason(inputs, now) };
}
