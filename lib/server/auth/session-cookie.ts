// Reads the session id out of next-auth's cookie without going through next-auth's session endpoint.
import "server-only";
import { cookies } from "next/headers";
import { decode } from "next-auth/jwt";
import { env } from "@/lib/platform/env";

export function sessionCookieName() {
  return env().NEXTAUTH_URL?.startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

export async function sessionIdFromCookie(): Promise<string | null> {
  return sessionIdFromToken((await cookies()).get(sessionCookieName())?.value);
}

/** The session id inside a session cookie's value, or null when it is missing, forged or expired. */
export async function sessionIdFromToken(raw: string | undefined): Promise<string | null> {
  const secret = env().NEXTAUTH_SECRET;
  if (!raw || !secret) return null;
  try {
    const token = await decode({ token: raw, secret });
    return typeof token?.sid === "string" ? token.sid : null;
  } catch {
    return null;
  }
}

/** Did this browser start the sign-in that `state` belongs to? (next-auth's own state cookie, decoded.) */
export async function startedThisSignIn(readCookie: (name: string) => string | undefined, state: string | null) {
  const name = env().NEXTAUTH_URL?.startsWith("https://") ? "__Secure-next-auth.state" : "next-auth.state";
  const raw = readCookie(name);
  const secret = env().NEXTAUTH_SECRET;
  if (!raw || !secret || !state) return false;
  try {
    const token = await decode({ token: raw, secret, salt: name });
    return token?.value === state;
  } catch {
    return false;
  }
}
