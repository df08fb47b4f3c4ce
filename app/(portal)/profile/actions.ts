"use server";
import { defineAction } from "@/lib/server/actions";
import { requireUserForAction } from "@/lib/server/auth/dal";
import { refreshSessionToken } from "@/lib/users/profile";

// The session is the one defineAction just checked (requireUserForAction is cached per request).
export const refreshNow = defineAction(
  { name: "session.refresh", args: [], revalidate: () => ["/profile"] },
  async () => refreshSessionToken((await requireUserForAction()).grantId),
);
