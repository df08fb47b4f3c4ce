"use client";
import { useState } from "react";
import { Field, inputClass, SubmitRow } from "@/components/field";
import { useActionForm } from "@/components/use-action-form";
import type { ActionState } from "@/lib/server/actions";

type Preset = { value: string; label: string; issuer: string; claims: string[]; example: string };

/** Adds a trusted workload: the platform fills in its issuer and names the claims a condition can use. */
export function WorkloadForm(props: {
  action: (previous: ActionState, form: FormData) => Promise<ActionState>;
  presets: Preset[];
  defaultAudience: string;
}) {
  const { state, formAction, pending, ref, errors } = useActionForm(props.action);
  const typed = state?.values;
  const [presetName, setPresetName] = useState(typed?.preset ?? "github");
  const preset = props.presets.find((p) => p.value === presetName) ?? props.presets[0];
  return (
    <form ref={ref} action={formAction} className="flex flex-col gap-4 rounded-md p-4 ring-1 ring-slate-200">
      <h3 className="text-sm font-semibold text-slate-900">Trust a workload</h3>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="workload-name" name="name" label="Name" hint="E.g. the repository and branch." errors={errors.name}>
          {(a) => <input {...a} defaultValue={typed?.name} required className={inputClass} />}
        </Field>
        <Field id="workload-preset" name="preset" label="Platform" errors={errors.preset}>
          {(a) => (
            <select {...a} value={presetName} onChange={(e) => setPresetName(e.target.value)} className={inputClass}>
              {props.presets.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field
        id="workload-issuer"
        name="issuer"
        label="Issuer"
        hint="Exactly the token's iss claim (https)."
        errors={errors.issuer}
      >
        {(a) => (
          <input
            {...a}
            key={presetName}
            defaultValue={typed?.issuer ?? preset?.issuer}
            placeholder="https://…"
            required
            className={`${inputClass} font-mono`}
          />
        )}
      </Field>
      <Field
        id="workload-audience"
        name="audience"
        label="Audience"
        hint={`The aud the job asks its platform for. Blank: ${props.defaultAudience}`}
        errors={errors.audience}
      >
        {(a) => (
          <input {...a} defaultValue={typed?.audience} placeholder={props.defaultAudience} className={inputClass} />
        )}
      </Field>
      <Field
        id="workload-conditions"
        name="conditions"
        label="Conditions (one a line: claim=value)"
        hint={`Every one must hold. * stays within a segment (never crosses / or :), ** crosses. Claims: ${preset?.claims.join(", ")}.`}
        errors={errors.conditions}
      >
        {(a) => (
          <textarea
            {...a}
            rows={3}
            spellCheck={false}
            defaultValue={typed?.conditions}
            placeholder={preset?.example}
            className={`${inputClass} font-mono text-xs`}
          />
        )}
      </Field>
      <MoreFields typed={typed} errors={errors} />
      <SubmitRow pending={pending} label="Trust this workload" pendingLabel="Saving…" state={state} />
    </form>
  );
}

/** A pasted JWKS, the oldest token taken and one-time use, folded away (and opened when one was refused). */
function MoreFields({
  typed,
  errors,
}: {
  typed: Record<string, string> | undefined;
  errors: Record<string, string[] | undefined>;
}) {
  return (
    <details
      className="rounded-md ring-1 ring-slate-200"
      open={Boolean(errors.jwks?.length || errors.maxTokenAgeMinutes?.length)}
    >
      <summary className="cursor-pointer px-3 py-2 text-sm text-slate-900">
        More: a pasted JWKS, token age, one-time use
      </summary>
      <div className="flex flex-col gap-4 px-3 pb-3">
        <Field
          id="workload-jwks"
          name="jwks"
          label="JWKS (for an issuer without public discovery, e.g. a private cluster)"
          hint="Its public keys as JSON; blank: the keys come from the issuer's OIDC discovery."
          errors={errors.jwks}
        >
          {(a) => (
            <textarea
              {...a}
              rows={3}
              spellCheck={false}
              defaultValue={typed?.jwks}
              className={`${inputClass} font-mono text-xs`}
            />
          )}
        </Field>
        <Field
          id="workload-maxTokenAgeMinutes"
          name="maxTokenAgeMinutes"
          label="Oldest token taken (minutes since iat)"
          errors={errors.maxTokenAgeMinutes}
        >
          {(a) => (
            <input
              {...a}
              type="number"
              min={1}
              max={1440}
              defaultValue={typed?.maxTokenAgeMinutes ?? "60"}
              className={inputClass}
            />
          )}
        </Field>
        <label className="flex items-center gap-2 text-sm text-slate-900">
          <input type="checkbox" name="oneTimeJti" className="size-4" defaultChecked={typed?.oneTimeJti === "on"} />
          One use per token (its jti is kept until the token ends)
        </label>
      </div>
    </details>
  );
}
