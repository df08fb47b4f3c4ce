"use client";
import { Field, inputClass, SubmitRow } from "@/components/field";
import { ShownOnce } from "@/components/shown-once";
import { Snippets } from "@/components/snippets";
import { useActionForm } from "@/components/use-action-form";
import { brokerSnippets } from "@/lib/broker/snippets";
import type { ActionState } from "@/lib/server/actions";

/** Creates a key and shows it once, with the examples filled in; reloading the page forgets it. */
export function CreateKeyForm(props: {
  action: (previous: ActionState, form: FormData) => Promise<ActionState>;
  portalUrl: string;
  apiUrl: string;
  identityName: string;
}) {
  const { state, formAction, pending, ref: form, errors } = useActionForm(props.action);
  const created = state?.ok && typeof state.data?.key === "string" ? state.data.key : null;
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
            <select {...control} defaultValue={state?.values?.expiresInDays ?? "90"} className={inputClass}>
              <option value="7">In 7 days</option>
              <option value="30">In 30 days</option>
              <option value="90">In 90 days</option>
              <option value="365">In 1 year</option>
              <option value="date">On a day…</option>
              <option value="">Never</option>
            </select>
          )}
        </Field>
        <Field
          name="expiresOn"
          label="Expiry day (with “On a day…”)"
          hint="The key works until the end of that day (UTC)."
          errors={errors.expiresOn}
        >
          {(control) => (
            <input {...control} type="date" defaultValue={state?.values?.expiresOn ?? ""} className={inputClass} />
          )}
        </Field>
        <div className="sm:col-span-2">
          <SubmitRow pending={pending} label="Create API key" pendingLabel="Creating…" state={state} />
        </div>
      </form>
      {created ? (
        <ShownOnce
          label="New API key"
          value={created}
          copyLabel="Copy key"
          note="Your new key. Copy it now: the portal keeps only a hash and cannot show it again."
        >
          <Snippets
            title="Try it"
            snippets={brokerSnippets({
              portalUrl: props.portalUrl,
              apiUrl: props.apiUrl,
              key: created,
              identityName: props.identityName,
            })}
          />
        </ShownOnce>
      ) : null}
    </div>
  );
}
