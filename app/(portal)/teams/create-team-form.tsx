"use client";
import { useState } from "react";
import { Field, inputClass, SubmitRow } from "@/components/field";
import { useActionForm } from "@/components/use-action-form";
import type { ActionState } from "@/lib/server/actions";
import { slugFor } from "@/lib/teams/slug";

export function CreateTeamForm({ action }: { action: (p: ActionState, f: FormData) => Promise<ActionState> }) {
  const { state, formAction, pending, ref: form, errors } = useActionForm(action);
  // The slug follows the name until someone edits it.
  const [slug, setSlug] = useState(state?.values?.slug ?? "");
  const [slugEdited, setSlugEdited] = useState(Boolean(state?.values?.slug));
  return (
    <form
      ref={form}
      key={JSON.stringify(state?.values ?? {})}
      action={formAction}
      className="mt-4 grid gap-4 sm:grid-cols-2"
    >
      <Field name="name" label="Team name" hint="Up to 80 characters." errors={errors.name}>
        {(a) => (
          <input
            {...a}
            defaultValue={state?.values?.name}
            onChange={(e) => (slugEdited ? null : setSlug(slugFor(e.target.value)))}
            required
            className={inputClass}
          />
        )}
      </Field>
      <Field
        name="slug"
        label="Slug (used in links)"
        hint="e.g. finance-etl; up to 40 characters."
        errors={errors.slug}
      >
        {(a) => (
          <input
            {...a}
            value={slug}
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugEdited(true);
            }}
            required
            className={inputClass}
          />
        )}
      </Field>
      <div className="flex items-center gap-3 sm:col-span-2">
        <SubmitRow pending={pending} label="Create team" pendingLabel="Creating…" state={state} />
      </div>
    </form>
  );
}
