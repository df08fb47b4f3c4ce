// An identity's state is derived, never stored: from its deactivation, its pending enrolment, its revocation and its
// grant. Revoked is final for the tokens (they are destroyed) but not for the identity: a new enrolment clears it.
// deriveState is the rule for one loaded row; the dashboard's SQL read model (list_state, migration
// 20261123040000) is the same rule in SQL, and tests/integration/identity-list.test.ts checks they agree for every state.
import type { IdentityState } from "./schemas";

export const STATE_LABELS: Record<IdentityState, string> = {
  not_enrolled: "not enrolled",
  enrolling: "enrolling",
  active: "active",
  needs_attention: "needs attention",
  expired: "expired",
  deactivated: "deactivated",
  revoked: "revoked",
};

type StateInputs = {
  deactivatedAt: Date | null;
  revokedAt: Date | null;
  hasPendingEnrolment: boolean;
  grant: {
    status: "active" | "needs_attention" | "revoked";
    refreshTokenExpiresAt: Date | null;
    unreachableSince: Date | null;
    accessTokenExpiresAt: Date | null;
  } | null;
};

/** Anaplan has not answered for longer than the cached access token lasted: scripts are failing right now. */
const isStranded = (g: NonNullable<StateInputs["grant"]>, now: Date) =>
  g.unreachableSince !== null && (g.accessTokenExpiresAt === null || g.accessTokenExpiresAt < now);

/** Why an identity needs attention, in words: the final reason Anaplan gave, or since when it has not answered. */
export function attentionReason(i: StateInputs & { grant: { statusReason: string | null } | null }, now = new Date()) {
  if (!i.grant) return null;
  if (i.grant.status === "needs_attention") return i.grant.statusReason;
  if (i.grant.status === "active" && isStranded(i.grant, now) && i.grant.unreachableSince) {
    return `Anaplan has not answered since ${i.grant.unreachableSince.toISOString().slice(0, 16).replace("T", " ")} UTC and the cached token has expired. The portal keeps retrying; this clears by itself when Anaplan answers.`;
  }
  return null;
}

export function deriveState(i: StateInputs, now = new Date()): IdentityState {
  if (i.deactivatedAt) return "deactivated";
  if (i.hasPendingEnrolment) return "enrolling";
  if (i.revokedAt) return "revoked";
  if (!i.grant || i.grant.status === "revoked") return "not_enrolled";
  if (i.grant.status === "needs_attention" || isStranded(i.grant, now)) return "needs_attention";
  if (i.grant.refreshTokenExpiresAt && i.grant.refreshTokenExpiresAt < now) return "expired";
  return "active";
}
