"use client";
import { useActionState } from "react";
import { CopyButton } from "@/components/copy-button";
import { Field, inputClass, SubmitRow } from "@/components/field";
import { useFocusFirstInvalid } from "@/components/focus-first-invalid";
import { Snippets } from "@/components/snippets";
import type { ActionState } from "@/lib/actions";
import { brokerSnippets } from "@/lib/broker/snippets";

/** Creates a key and shows it once, with the examples filled in; reloading the page forgets it. */
export function CreateKeyForm(props: {
  action: (previous: ActionState, form: FormData) => Promise<ActionState>;
  portalUrl: string;
  apiUrl: string;
}) {
  const [state, formAction, pending] = useActionState(props.action, null);
  const created = state?.ok && typeof state.data?.key === "string" ? state.data.key : null;
  const errors = state?.fieldErrors ?? {};
  const form = useFocusFirstInvalid(state);
  return (
    <div className="flex flex-col gap-4">
      <form ref={form} action={formAction} className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-start">
        <Field
          name="name"
          label="Key name"
          hint="Where it is used, e.g. nightly-etl on host-42. Up to 80 characters."
          errors={errors.name}
        >
          {(control) => <input {...control} defaultValue={state?.values?.name ?? ""} className={inputClass} />}
        </Field>
        <Field name="expiresInDays" label="Expires" errors={errors.expiresInDays}>
          {(control) => (
            <select {...control} defaultValue={state?.values?.expiresInDays ?? ""} className={inputClass}>
              <option value="">Never</option>
              <option value="7">In 7 days</option>
              <option value="30">In 30 days</option>
              <option value="90">In 90 days</option>
              <option value="365">In 1 year</option>
            </select>
          )}
        </Field>
        <div className="sm:col-span-2">
          <SubmitRow pending={pending} label="Create API key" pendingLabel="Creating…" state={state} />
        </div>
      </form>
      {created ? (
        <div className="flex flex-col gap-3 rounded-lg bg-emerald-50 p-4 ring-1 ring-emerald-300">
          <p className="text-sm font-semibold text-emerald-950">
            Your new key. Copy it now: the portal keeps only a hash and cannot show it again.
          </p>
          <div className="flex flex-wrap items-center gap-3">
            <output aria-label="New API key" className="break-all rounded bg-white px-3 py-2 font-mono text-sm">
              {created}
            </output>
            <CopyButton value={created} label="Copy key" />
          </div>
          <Snippets
            title="Try it"
            snippets={brokerSnippets({ portalUrl: props.portalUrl, apiUrl: props.apiUrl, key: created })}
          />
        </div>
      ) : null}
    </div>
  );
}
