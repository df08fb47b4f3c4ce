"use client";
import { useActionState } from "react";
import { Field, FormStatus, inputClass } from "@/components/field";
import type { ActionState } from "@/lib/actions";

export function CreateTeamForm({ action }: { action: (p: ActionState, f: FormData) => Promise<ActionState> }) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state?.fieldErrors ?? {};
  return (
    <form key={JSON.stringify(state?.values ?? {})} action={formAction} className="mt-4 grid gap-4 sm:grid-cols-2">
      <Field name="name" label="Team name" errors={errors.name}>
        {(a) => <input {...a} defaultValue={state?.values?.name} required maxLength={80} className={inputClass} />}
      </Field>
      <Field name="slug" label="Slug (used in links)" hint="e.g. finance-etl" errors={errors.slug}>
        {(a) => <input {...a} defaultValue={state?.values?.slug} required maxLength={40} className={inputClass} />}
      </Field>
      <div className="flex items-center gap-3 sm:col-span-2">
        <button
          type="submit"
          disabled={pending}
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60"
        >
          {pending ? "Creating…" : "Create team"}
        </button>
        <FormStatus state={state} />
      </div>
    </form>
  );
}
