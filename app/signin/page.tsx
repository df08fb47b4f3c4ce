import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInButton } from "@/components/auth-buttons";
import { PageTitle } from "@/components/ui";
import { currentSession, endedSessionReason } from "@/lib/server/auth/dal";
import { safeRedirect } from "@/lib/server/auth/redirects";

export const metadata: Metadata = { title: "Sign in" };

// next-auth's error codes, and our own from the callback, in words a user can act on.
const MESSAGES: Record<string, string> = {
  denied: "You declined the request at Anaplan, so you are not signed in.",
  failed: "Anaplan could not complete the sign-in. Try again.",
  AccessDenied: "Your portal account is disabled. Ask a portal admin to re-enable it.",
  disabled: "Your portal account is disabled. Ask a portal admin to re-enable it.",
  inactive: "Your Anaplan account is inactive. Ask your Anaplan administrator to activate it.",
  busy: "Too many sign-in attempts from your address. Wait a minute and try again.",
  tenant: "This portal accepts only accounts of its company's Anaplan tenant. Sign in with your company account.",
  OAuthCallback: "The sign-in could not be verified (it may have expired or been used already). Try again.",
  Callback: "The sign-in could not be completed. Try again.",
  OAuthSignin: "The sign-in could not be started. Try again.",
};

type Props = { searchParams: Promise<{ error?: string; callbackUrl?: string; signedOut?: string }> };

export default async function SignInPage({ searchParams }: Props) {
  const { error, callbackUrl, signedOut } = await searchParams;
  const target = new URL(safeRedirect(callbackUrl ?? "/start", "http://portal.invalid")).pathname;
  if (await currentSession()) redirect(target);
  const ended = error ? null : await endedSessionReason();
  const message = error
    ? (MESSAGES[error] ?? MESSAGES.Callback)
    : ended
      ? `Your portal session has ended. ${ended}`
      : undefined;
  return (
    <main className="mx-auto flex max-w-md flex-col gap-6 px-6 py-20">
      <PageTitle>Sign in</PageTitle>
      <p className="text-slate-600">Use your Anaplan account. The portal never sees your password.</p>
      {message ? (
        <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800 ring-1 ring-red-200">
          {message}
        </p>
      ) : null}
      {signedOut ? (
        <p
          role="status"
          className="rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-800 ring-1 ring-emerald-200"
        >
          You are signed out.
        </p>
      ) : null}
      <div>
        <SignInButton callbackUrl={target} />
      </div>
    </main>
  );
}
