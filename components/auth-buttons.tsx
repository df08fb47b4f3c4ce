"use client";
import { signIn, signOut } from "next-auth/react";
import { useState } from "react";

/**
 * "Sign in with Anaplan", and "Use another account", which asks Anaplan to show its sign-in form even when the
 * browser is still signed in there (prompt=login; the simulator honours it, Anaplan documents nothing about it).
 */
export function SignInButton({ callbackUrl }: { callbackUrl: string }) {
  const [busy, setBusy] = useState(false);
  const go = (params?: Record<string, string>) => {
    setBusy(true);
    void signIn("anaplan", { callbackUrl }, params);
  };
  return (
    <div className="flex flex-wrap items-center gap-4">
      <button
        type="button"
        disabled={busy}
        onClick={() => go()}
        className="rounded-md bg-brand-600 px-5 py-2.5 text-base font-semibold text-white shadow-sm hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:opacity-60"
      >
        {busy ? "Redirecting to Anaplan…" : "Sign in with Anaplan"}
      </button>
      <button
        type="button"
        disabled={busy}
        onClick={() => go({ prompt: "login" })}
        className="text-sm font-medium text-brand-700 underline disabled:opacity-60"
      >
        Use another account
      </button>
    </div>
  );
}

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={() => void signOut({ callbackUrl: "/signed-out" })}
      className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100"
    >
      Sign out
    </button>
  );
}
