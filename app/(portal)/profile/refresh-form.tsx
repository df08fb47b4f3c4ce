"use client";
import { useActionState } from "react";
import { FormStatus } from "@/components/field";
import { refreshNow } from "./actions";

export function RefreshForm() {
  const [state, action, pending] = useActionState(refreshNow, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-white px-3 py-1.5 text-sm font-medium text-brand-700 ring-1 ring-brand-600 hover:bg-brand-50 disabled:opacity-60"
      >
        {pending ? "Refreshing…" : "Refresh now"}
      </button>
      <FormStatus state={state} />
    </form>
  );
}
