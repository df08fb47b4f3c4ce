"use server";
import { z } from "zod";
import { arg } from "@/lib/platform/validation";
import { defineAction } from "@/lib/server/actions";
import { signInLink } from "@/lib/teams/invitation";
import { addMember, cancelInvite, changeMemberRole, createTeam, removeMember } from "@/lib/teams/manage";
import { memberFields, teamFields } from "@/lib/teams/schemas";

const members = (slug: string) => [`/teams/${slug}/members`];

export const createTeamAction = defineAction(
  { name: "team.create", args: [], form: teamFields, revalidate: () => ["/teams"] },
  async (actor, _args, fields) => {
    const team = await createTeam(actor, fields);
    // Straight into the new team, whose empty dashboard says what to do first.
    return { message: `Team “${team.name}” created.`, redirectTo: `/teams/${team.slug}/identities` };
  },
);

export const addMemberAction = defineAction(
  { name: "team.member_add", args: [arg.slug], form: memberFields, revalidate: members },
  async (actor, [slug], fields) => {
    const outcome = await addMember(actor, slug, fields);
    const { email, role } = fields;
    if (outcome.kind === "joined") return `${email} is now a ${role}.`;
    if (outcome.kind === "already") {
      return outcome.previousRole === role
        ? `${email} is already a ${role} of this team; nothing changed.`
        : `${email} was already in this team, as a ${outcome.previousRole}; now a ${role}.`;
    }
    const invited = `${email} is ${outcome.again ? "still " : ""}invited as a ${role}; they join at their first sign-in.`;
    if (outcome.mail === "sent") return `${invited} An invitation mail was sent.`;
    // No mail went out: the page shows the link to pass on (data.signInLink).
    const why =
      outcome.mail === "no_smtp"
        ? "No email was sent (this portal has no SMTP_URL)"
        : "The invitation mail could not be sent";
    return { message: `${invited} ${why}: send them the sign-in link.`, data: { signInLink: signInLink() } };
  },
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
