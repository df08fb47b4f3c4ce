// Who may do what, as data. Domain functions call assertCan with the caller's role in the team concerned;
// adding a permission or a role is a change to this table only.

import type { TeamRole } from "@/lib/generated/prisma/enums";
import { AppError } from "@/lib/platform/errors";

export const PERMISSIONS = [
  "team.view",
  "team.manage_members",
  "identity.view",
  "identity.create",
  "identity.edit",
  "identity.enrol",
  "identity.deactivate",
  "identity.revoke",
  "identity.delete",
  "key.manage",
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
