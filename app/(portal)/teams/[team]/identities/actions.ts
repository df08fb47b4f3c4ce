"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { type ActionState, runAction, submittedValues } from "@/lib/actions";
import { requireUserForAction } from "@/lib/auth/dal";
import { resolveMismatch } from "@/lib/identities/enrol-complete";
import { startEnrolment } from "@/lib/identities/enrol-start";
import { createIdentity, setIdentityActive, updateIdentity } from "@/lib/identities/manage";
import { identityFields } from "@/lib/identities/schemas";
import { actorOf } from "@/lib/teams/access";
import { parseInput } from "@/lib/validation";

export async function createIdentityAction(teamSlug: string, _previous: ActionState, form: FormData) {
  let created: string | undefined;
  const state = await runAction(async () => {
    const session = await requireUserForAction();
    const identity = await createIdentity(actorOf(session), teamSlug, parseInput(identityFields, form));
    created = identity.id;
    return "Created.";
  });
  if (created) redirect(`/teams/${teamSlug}/identities/${created}`);
  return state && { ...state, values: submittedValues(form) };
}

export async function startEnrolmentAction(teamSlug: string, identityId: string, _previous: ActionState) {
  let enrolmentId: string | undefined;
  const state = await runAction(async () => {
    const session = await requireUserForAction();
    enrolmentId = await startEnrolment(actorOf(session), teamSlug, identityId);
    return "Started.";
  });
  if (enrolmentId) redirect(`/teams/${teamSlug}/enrolments/${enrolmentId}`);
  return state;
}

export async function resolveMismatchAction(
  teamSlug: string,
  enrolmentId: string,
  keep: boolean,
  _previous: ActionState,
) {
  return runAction(async () => {
    const session = await requireUserForAction();
    await resolveMismatch(actorOf(session), teamSlug, enrolmentId, keep);
    revalidatePath(`/teams/${teamSlug}/identities`);
    return keep ? "The new token is now in use." : "The token was discarded.";
  });
}

export async function updateIdentityAction(
  teamSlug: string,
  identityId: string,
  _previous: ActionState,
  form: FormData,
) {
  let saved = false;
  const state = await runAction(async () => {
    const session = await requireUserForAction();
    await updateIdentity(actorOf(session), teamSlug, identityId, parseInput(identityFields, form));
    saved = true;
    return "Saved.";
  });
  if (saved) redirect(`/teams/${teamSlug}/identities/${identityId}`);
  return state && { ...state, values: submittedValues(form) };
}

export async function setIdentityActiveAction(
  teamSlug: string,
  identityId: string,
  active: boolean,
  _previous: ActionState,
) {
  return runAction(async () => {
    const session = await requireUserForAction();
    await setIdentityActive(actorOf(session), teamSlug, identityId, active);
    revalidatePath(`/teams/${teamSlug}/identities/${identityId}`);
    return active ? "Reactivated." : "Deactivated: nothing is handed out for this identity until it is reactivated.";
  });
}
