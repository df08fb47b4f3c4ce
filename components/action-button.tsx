"use client";
import { useActionState } from "react";
import { FormStatus } from "@/components/field";
import type { ActionState } from "@/lib/actions";

/** A one-button form around a server action, with its pending state and its result announced. */
export function ActionButton({
  action,
  label,
  pendingLabel,
  tone = "primary",
}: {
  action: (previous: ActionState) => Promise<ActionState>;
  label: string;
  pendingLabel: string;
  tone?: "primary" | "secondary" | "danger";
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const tones = {
    primary: "bg-brand-600 text-white hover:bg-brand-700",
    secondary: "bg-white text-brand-700 ring-1 ring-brand-600 hover:bg-brand-50",
    danger: "bg-white text-red-700 ring-1 ring-red-600 hover:bg-red-50",
  };
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-3">
      <button
        type="submit"
        disabled={pending}
        className={`rounded-md px-4 py-2 text-sm font-semibold shadow-sm disabled:opacity-60 ${tones[tone]}`}
      >
        {pending ? pendingLabel : label}
      </button>
      <FormStatus state={state} />
    </form>
  );
}
