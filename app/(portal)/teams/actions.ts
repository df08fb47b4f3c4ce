"use server";
import { z } from "zod";
import { defineAction } from "@/lib/actions";
import { addMember, cancelInvite, changeMemberRole, createTeam, removeMember } from "@/lib/teams/manage";
import { memberFields, teamFields } from "@/lib/teams/schemas";
import { arg } from "@/lib/validation";

const members = (slug: string) => [`/teams/${slug}/members`];

export const createTeamAction = defineAction(
  { name: "team.create", args: [], form: teamFields, revalidate: () => ["/teams"] },
  async (actor, _args, fields) => `Team “${(await createTeam(actor, fields)).name}” created.`,
);

export const addMemberAction = defineAction(
  { name: "team.member_add", args: [arg.slug], form: memberFields, revalidate: members },
  async (actor, [slug], fields) =>
    (await addMember(actor, slug, fields)) === "member"
      ? `${fields.email} is now a ${fields.role}.`
      : `${fields.email} is invited; they join at their first sign-in.`,
);

export const changeMemberRoleAction = defineAction(
  { name: "team.member_role", args: [arg.slug, arg.id, z.enum(["admin", "member"])], revalidate: members },
  async (actor, [slug, userId, role]) => {
    await changeMemberRole(actor, slug, { userId, role });
    return role === "admin" ? "Now an admin." : "Now a member.";
  },
);

export const removeMemberAction = defineAction(
  { name: "team.member_remove", args: [arg.slug, arg.id], revalidate: members },
  async (actor, [slug, userId]) => {
    await removeMember(actor, slug, { userId });
    return "Removed.";
  },
);

export const cancelInviteAction = defineAction(
  { name: "team.invite_cancel", args: [arg.slug, arg.id], revalidate: members },
  async (actor, [slug, inviteId]) => {
    await cancelInvite(actor, slug, { inviteId });
    return "Invite cancelled.";
  },
);
