"use server";
import { arg } from "@/lib/platform/validation";
import { defineAction } from "@/lib/server/actions";
import { setPortalAdmin, setUserDisabled } from "@/lib/users/admin";

const revalidate = () => ["/admin/users"];

export const setUserDisabledAction = defineAction(
  { name: "user.set_disabled", args: [arg.id, arg.flag], revalidate },
  async (actor, [userId, disabled]) => {
    const email = await setUserDisabled(actor, userId, disabled);
    return disabled
      ? `${email} is disabled: every session ended and their Anaplan tokens were destroyed.`
      : `${email} can sign in again (old sessions stay ended).`;
  },
);

export const setPortalAdminAction = defineAction(
  { name: "user.set_portal_admin", args: [arg.id, arg.flag], revalidate },
  async (actor, [userId, admin]) => {
    const email = await setPortalAdmin(actor, userId, admin);
    return admin ? `${email} is now a portal admin.` : `${email} is no longer a portal admin.`;
  },
);
