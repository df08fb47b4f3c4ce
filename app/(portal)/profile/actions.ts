"use server";
import { revalidatePath } from "next/cache";
import { type ActionState, runAction } from "@/lib/actions";
import { requireUserForAction } from "@/lib/auth/dal";
import { refreshSessionToken } from "@/lib/users/profile";

export async function refreshNow(_previous: ActionState): Promise<ActionState> {
  return runAction(async () => {
    const session = await requireUserForAction();
    const message = await refreshSessionToken(session.grantId);
    revalidatePath("/profile");
    return message;
  });
}
