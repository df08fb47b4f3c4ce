"use client";
import Link from "next/link";
import { PageTitle, primaryButton } from "@/components/ui";

/** Anything a page did not expect: a way back, and a reference to quote, never the error's own text. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto flex max-w-xl flex-col gap-4 px-6 py-20">
      <p className="text-sm font-semibold uppercase tracking-wide text-red-700">Something went wrong</p>
      <PageTitle>This page could not be shown</PageTitle>
      <p className="text-slate-600">
        Try again in a moment. If it keeps happening, give a portal admin this reference:{" "}
        <code className="rounded bg-slate-100 px-1">{error.digest ?? "none"}</code>.
      </p>
      <div className="flex gap-4">
        <button type="button" onClick={reset} className={primaryButton}>
          Try again
        </button>
        <Link href="/" className="rounded-md px-4 py-2 text-sm font-semibold text-brand-700 ring-1 ring-brand-600">
          Home
        </Link>
      </div>
    </main>
  );
}
