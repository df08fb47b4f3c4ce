"use client";
import { Field, inputClass, SubmitRow } from "@/components/field";
import { ShownOnce } from "@/components/shown-once";
import { useActionForm } from "@/components/use-action-form";
import type { ActionState } from "@/lib/server/actions";

/** Adds an endpoint and shows its signing secret once; reloading the page forgets it. */
export function AddWebhookForm({ action }: { action: (p: ActionState, f: FormData) => Promise<ActionState> }) {
  const { state, formAction, pending, ref: form } = useActionForm(action);
  const secret = state?.ok && typeof state.data?.secret === "string" ? state.data.secret : null;
  return (
    <div className="flex flex-col gap-4">
      <form ref={form} action={formAction} className="flex flex-col gap-3">
        <Field
          name="url"
          label="Endpoint URL"
          hint="https:// on a public address; events are POSTed as JSON, signed per Standard Webhooks."
          errors={state?.fieldErrors?.url}
        >
          {(a) => <input {...a} type="url" defaultValue={state?.values?.url ?? ""} required className={inputClass} />}
        </Field>
        <SubmitRow pending={pending} label="Add webhook" pendingLabel="Adding…" state={state} />
      </form>
      {secret ? (
        <ShownOnce
          label="Signing secret"
          value={secret}
          copyLabel="Copy secret"
          note="Signing secret: verify each delivery's webhook-signature with it. It is not shown again."
        />
      ) : null}
    </div>
  );
}
