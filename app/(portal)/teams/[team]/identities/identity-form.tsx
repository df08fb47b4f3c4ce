"use client";
import { useActionState } from "react";
import { Field, inputClass as input, SubmitRow } from "@/components/field";
import type { ActionState } from "@/lib/actions";

type Props = {
  action: (previous: ActionState, form: FormData) => Promise<ActionState>;
  regions: { value: string; label: string }[];
  /** The identity's current settings when editing; nothing when creating. */
  initial?: Record<string, string>;
  submitLabel: string;
};

export function IdentityForm({ action, regions, initial, submitLabel }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state?.fieldErrors ?? {};
  const typed = state?.values ?? initial;
  return (
    <form
      key={JSON.stringify(typed ?? {})}
      action={formAction}
      className="flex flex-col gap-5 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200"
    >
      <Field
        name="name"
        label="Name"
        hint="Unique in this team, e.g. the script or job it serves."
        errors={errors.name}
      >
        {(a) => <input {...a} defaultValue={typed?.name} required maxLength={80} className={input} />}
      </Field>
      <Field name="description" label="Description" errors={errors.description}>
        {(a) => <textarea {...a} defaultValue={typed?.description} maxLength={500} rows={2} className={input} />}
      </Field>
      <Field
        name="expectedEmail"
        label="Expected service account (email)"
        hint="If given, an approval by any other account is flagged."
        errors={errors.expectedEmail}
      >
        {(a) => <input {...a} defaultValue={typed?.expectedEmail} type="email" className={input} />}
      </Field>
      <Field
        name="deviceClientId"
        label="Device-grant client id"
        hint="32 hex characters, from Administration → Security → OAuth Clients."
        errors={errors.deviceClientId}
      >
        {(a) => (
          <input {...a} defaultValue={typed?.deviceClientId} pattern="[0-9a-f]{32}" className={`${input} font-mono`} />
        )}
      </Field>
      <Field name="region" label="Anaplan region" errors={errors.region}>
        {(a) => (
          <select {...a} defaultValue={typed?.region ?? "default"} className={input}>
            {regions.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="flex items-center gap-2">
        {/* An unticked box sends nothing; this says "off" so that it cannot fall back to the default. */}
        <input type="hidden" name="rotatable" value="off" />
        <input
          id="rotatable"
          name="rotatable"
          type="checkbox"
          defaultChecked={typed ? typed.rotatable === "on" : true}
          className="size-4"
        />
        <label htmlFor="rotatable" className="text-sm text-slate-900">
          The client's refresh tokens are Rotatable
        </label>
      </div>
      <Field
        name="refreshTokenTtlSeconds"
        label="Refresh-token TTL in seconds (if known)"
        hint="Anaplan's default for Rotatable clients is 43000."
        errors={errors.refreshTokenTtlSeconds}
      >
        {(a) => <input {...a} defaultValue={typed?.refreshTokenTtlSeconds} type="number" min={60} className={input} />}
      </Field>
      <Field
        name="refreshLifetime"
        label="Refresh-token lifetime"
        hint="Absolute: the TTL counts from the enrolment and refreshing cannot extend it, so re-enrol before it ends (the safe assumption; Anaplan does not document which applies). Sliding: each refresh starts a new TTL."
        errors={errors.refreshLifetime}
      >
        {(a) => (
          <select {...a} defaultValue={typed?.refreshLifetime ?? "absolute"} className={input}>
            <option value="absolute">Absolute (from the enrolment)</option>
            <option value="sliding">Sliding (from the last refresh)</option>
          </select>
        )}
      </Field>
      <div className="flex items-center gap-3">
        <SubmitRow pending={pending} label={submitLabel} pendingLabel="Saving…" state={state} />
      </div>
    </form>
  );
}
