"use server";
import { revalidatePath } from "next/cache";
import { type ActionState, runAction, submittedValues } from "@/lib/actions";
import { requireUserForAction } from "@/lib/auth/dal";
import { actorOf } from "@/lib/teams/access";
import { addMember, cancelInvite, createTeam, removeMember } from "@/lib/teams/manage";
import { inviteRef, memberFields, memberRef, teamFields } from "@/lib/teams/schemas";
import { parseInput } from "@/lib/validation";

export async function createTeamAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const state = await runAction(async () => {
    const session = await requireUserForAction();
    const team = await createTeam(actorOf(session), parseInput(teamFields, form));
    revalidatePath("/teams");
    return `Team “${team.name}” created.`;
  });
  return state?.ok ? state : state && { ...state, values: submittedValues(form) };
}

export async function addMemberAction(slug: string, _previous: ActionState, form: FormData): Promise<ActionState> {
  const state = await runAction(async () => {
    const session = await requireUserForAction();
    const fields = parseInput(memberFields, form);
    const outcome = await addMember(actorOf(session), slug, fields);
    revalidatePath(`/teams/${slug}/members`);
    return outcome === "member"
      ? `${fields.email} is now a ${fields.role}.`
      : `${fields.email} is invited; they join at their first sign-in.`;
  });
  return state?.ok ? state : state && { ...state, values: submittedValues(form) };
}

export async function removeMemberAction(slug: string, userId: string, _previous: ActionState): Promise<ActionState> {
  return runAction(async () => {
    const session = await requireUserForAction();
    await removeMember(actorOf(session), slug, parseInput(memberRef, { userId }));
    revalidatePath(`/teams/${slug}/members`);
    return "Removed.";
  });
}

export async function cancelInviteAction(slug: string, inviteId: string, _previous: ActionState): Promise<ActionState> {
  return runAction(async () => {
    const session = await requireUserForAction();
    await cancelInvite(actorOf(session), slug, parseInput(inviteRef, { inviteId }));
    revalidatePath(`/teams/${slug}/members`);
    return "Invite cancelled.";
  });
}
