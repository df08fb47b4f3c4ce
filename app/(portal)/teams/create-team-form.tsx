"use client";
import { useActionState } from "react";
import { Field, inputClass, SubmitRow } from "@/components/field";
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
        <SubmitRow pending={pending} label="Create team" pendingLabel="Creating…" state={state} />
      </div>
    </form>
  );
}
