"use client";
import { useActionState } from "react";
import { Field, inputClass, SubmitRow } from "@/components/field";
import { useFocusFirstInvalid } from "@/components/focus-first-invalid";
import type { ActionState } from "@/lib/actions";

export function CreateTeamForm({ action }: { action: (p: ActionState, f: FormData) => Promise<ActionState> }) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state?.fieldErrors ?? {};
  const form = useFocusFirstInvalid(state);
  return (
    <form
      ref={form}
      key={JSON.stringify(state?.values ?? {})}
      action={formAction}
      className="mt-4 grid gap-4 sm:grid-cols-2"
    >
      <Field name="name" label="Team name" hint="Up to 80 characters." errors={errors.name}>
        {(a) => <input {...a} defaultValue={state?.values?.name} required className={inputClass} />}
      </Field>
      <Field
        name="slug"
        label="Slug (used in links)"
        hint="e.g. finance-etl; up to 40 characters."
        errors={errors.slug}
      >
        {(a) => <input {...a} defaultValue={state?.values?.slug} required className={inputClass} />}
      </Field>
      <div className="flex items-center gap-3 sm:col-span-2">
        <SubmitRow pending={pending} label="Create team" pendingLabel="Creating…" state={state} />
      </div>
    </form>
  );
}
