// The signed-in user's Anaplan profile, read live with their own (refreshed when needed) access token.
import "server-only";
import { AnaplanError, type AnaplanUser, getCurrentUser } from "@/lib/anaplan";
import { portalEndpoints } from "@/lib/anaplan/settings";
import { AppError, isAppError } from "@/lib/platform/errors";
import { sessionAccessToken } from "./sessions";

export type ProfileResult =
  | { ok: true; anaplan: AnaplanUser; tokenExpiresAt: Date }
  | { ok: false; reauthenticate: boolean; message: string };

const notReturned = (error: unknown) =>
  new AppError("provider_unavailable", "Anaplan did not return your profile. Try again in a minute.", { cause: error });

export async function loadAnaplanProfile(grantId: string): Promise<ProfileResult> {
  try {
    let token = await sessionAccessToken(grantId);
    const anaplan = await getCurrentUser(portalEndpoints(), token.accessToken).catch(async (error: unknown) => {
      if (!(error instanceof AnaplanError && error.status === 401)) throw notReturned(error);
      // Anaplan refused the token: a refresh tells whether the person still stands there (a final refusal ends
      // the session) or the token alone had been logged out.
      token = await sessionAccessToken(grantId, { forceRefresh: true });
      return getCurrentUser(portalEndpoints(), token.accessToken).catch((again: unknown) => {
        throw notReturned(again);
      });
    });
    return { ok: true, anaplan, tokenExpiresAt: token.expiresAt };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { ok: false, reauthenticate: error.code === "reauthenticate", message: error.userMessage };
  }
}

export async function refreshSessionToken(grantId: string): Promise<string> {
  const token = await sessionAccessToken(grantId, { forceRefresh: true });
  return `Refreshed. The new Anaplan token expires at ${token.expiresAt.toISOString()}.`;
}
