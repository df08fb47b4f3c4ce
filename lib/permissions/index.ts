// Who may do what, as data. Domain functions call assertCan with the caller's role in the team concerned, or
// assertPortalAdmin for what only portal admins do; adding a permission or a role is a change to these tables only.

import type { TeamRole } from "@/lib/generated/prisma/enums";
import { AppError } from "@/lib/platform/errors";

export const PERMISSIONS = [
  "team.view",
  "team.manage_members",
  "webhook.manage",
  "identity.view",
  "identity.create",
  "identity.edit",
  "identity.enrol",
  "identity.deactivate",
  "identity.revoke",
  "identity.delete",
  "key.manage",
  "workload.manage",
  "audit.view",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<TeamRole, readonly Permission[]> = {
  admin: PERMISSIONS,
  member: ["team.view", "identity.view"],
};

export const can = (role: TeamRole | null, permission: Permission) =>
  role !== null && ROLE_PERMISSIONS[role].includes(permission);

export function assertCan(role: TeamRole | null, permission: Permission) {
  if (!can(role, permission)) throw new AppError("forbidden", "Your role in this team does not allow this.");
}

/** What only portal admins may do, with the sentence anybody else is refused with. */
const PORTAL_ADMIN_ONLY = {
  "team.create": "Only portal admins can create teams.",
  "users.manage": "Only portal admins manage users.",
  "audit.view_all": "Only portal admins can read the portal-wide audit.",
} as const;

export function assertPortalAdmin(caller: { isPortalAdmin: boolean }, what: keyof typeof PORTAL_ADMIN_ONLY) {
  if (!caller.isPortalAdmin) throw new AppError("forbidden", PORTAL_ADMIN_ONLY[what]);
}

/** Portal admins act as admins of every team (and see every team); anybody else has their membership's role. */
export const portalAdminRole = (caller: { isPortalAdmin: boolean }): TeamRole | null =>
  caller.isPortalAdmin ? "admin" : null;
