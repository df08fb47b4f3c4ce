// Everything the audit trail can say, as data: an action or target type outside these tables does not compile, so
// a typo cannot silently drop a webhook. Adding an action is one line here and the code that records it.
export const AUDIT_ACTIONS = [
  "user.sign_in",
  "user.sign_out",
  "user.session_ended",
  "user.disable",
  "user.enable",
  "user.promote",
  "user.demote",
  "user.set_disabled",
  "user.set_portal_admin",
  "session.refresh",
  "team.create",
  "team.invite",
  "team.invite_cancel",
  "team.member_add",
  "team.member_role",
  "team.member_remove",
  "team.deactivate_all",
  "team.reactivate_all",
  "team.revoke_all",
  "identity.create",
  "identity.update",
  "identity.set_active",
  "identity.deactivate",
  "identity.reactivate",
  "identity.revoke",
  "identity.revoke_at_anaplan",
  "identity.delete",
  "identity.expiring",
  "enrolment.start",
  "enrolment.cancel",
  "enrolment.complete",
  "enrolment.end",
  "enrolment.identity_mismatch",
  "enrolment.resolve_mismatch",
  "enrolment.mismatch_kept",
  "enrolment.mismatch_discarded",
  "grant.refresh",
  "token.issue",
  "token.authenticate",
  "token.logout",
  "key.create",
  "key.revoke",
  "key.expiring",
  "webhook.create",
  "webhook.delete",
  "webhook.test",
  "webhook.redeliver",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const TARGET_TYPES = ["identity", "user", "api_key", "webhook", "grant"] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export const OUTCOMES = ["success", "failure", "denied"] as const;
export type Outcome = (typeof OUTCOMES)[number];
