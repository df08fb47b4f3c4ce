// The data-access gate. Every page, server action and route handler calls one of these itself; proxy.ts only
// saves signed-out visitors a round trip and is never the check that matters.
import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import { AppError } from "@/lib/platform/errors";
import { endReasonOf, loadSession } from "@/lib/users/sessions";
import { sessionIdFromCookie } from "./session-cookie";

export const currentSession = cache(async () => {
  const sessionId = await sessionIdFromCookie();
  return sessionId ? loadSession(sessionId) : null;
});

/** Why this browser's session was ended for it (Anaplan refused the person), if it was; for the sign-in page. */
export async function endedSessionReason(): Promise<string | null> {
  const sessionId = await sessionIdFromCookie();
  return sessionId ? endReasonOf(sessionId) : null;
}

/** For pages: a signed-out (or disabled, or expired) visitor goes to the sign-in page. */
export async function requireUser() {
  const session = await currentSession();
  if (!session) redirect("/signin");
  return session;
}

/** For server actions and route handlers: the same check, as an error the caller turns into a response. */
export async function requireUserForAction() {
  const session = await currentSession();
  if (!session) throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
  return session;
}
