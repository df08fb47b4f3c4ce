"use client";
import Link from "next/link";
import { useActionState } from "react";
import { FormStatus } from "@/components/field";
import type { ActionState } from "@/lib/server/actions";

type Action = (previous: ActionState) => Promise<ActionState>;

const CHOICES = [
  { choice: "discard", label: "Discard this token", tone: "text-slate-800 ring-slate-300 hover:bg-slate-50" },
  { choice: "keep", label: "Use it anyway", tone: "text-red-700 ring-red-600 hover:bg-red-50" },
] as const;

/**
 * A token approved by another account than the expected one. Discarding is the safe default, so it is the neutral
 * button; keeping it is the risk. Once either has answered, both buttons stay disabled and the panel says what
 * happened: a second click could only fail.
 */
export function MismatchPanel(props: { message: string | null; keep: Action; discard: Action; identityHref: string }) {
  const [state, act, pending] = useActionState(
    (previous: ActionState, choice: "keep" | "discard") => (choice === "keep" ? props.keep : props.discard)(previous),
    null,
  );
  const done = state?.ok === true;
  return (
    <section role="alert" className="rounded-lg bg-amber-50 p-6 ring-1 ring-amber-300">
      <h2 className="text-lg font-semibold text-amber-900">Approved by an unexpected account</h2>
      <p className="mt-1 text-sm text-amber-900">{props.message}</p>
      <form className="mt-4 flex flex-wrap items-center gap-3">
        {CHOICES.map((c) => (
          <button
            key={c.choice}
            type="submit"
            formAction={() => act(c.choice)}
            disabled={pending || done}
            className={`rounded-md bg-white px-4 py-2 text-sm font-semibold shadow-sm ring-1 disabled:opacity-60 ${c.tone}`}
          >
            {c.label}
          </button>
        ))}
        {pending ? <span className="text-sm text-slate-600">Saving…</span> : null}
      </form>
      <div className="mt-3">
        <FormStatus state={state} />
        {done ? (
          <Link href={props.identityHref} className="mt-2 inline-block text-sm font-semibold text-brand-700 underline">
            Back to the identity
          </Link>
        ) : null}
      </div>
    </section>
  );
}
