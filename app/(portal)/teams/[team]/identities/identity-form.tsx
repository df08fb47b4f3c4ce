"use client";
import { useState } from "react";
import { Field, inputClass as input, SubmitRow } from "@/components/field";
import { CARD_FRAME } from "@/components/ui";
import { useActionForm } from "@/components/use-action-form";
import type { IdentityFormValues } from "@/lib/identities/form-values";
import type { ActionState } from "@/lib/server/actions";

type Props = {
  action: (previous: ActionState, form: FormData) => Promise<ActionState>;
  regions: { value: string; label: string }[];
  /** What the fields hold at first: identityFormValues(identity) when editing, newIdentityFormValues() when creating. */
  initial: IdentityFormValues;
  /** The TTL of the portal's own device-grant client, which a blank TTL on that client means. */
  portalClientTtlSeconds: number;
  submitLabel: string;
  /** Creating: the kind is chosen here. Editing: it stays what it is. */
  chooseKind?: boolean;
};

const ADVANCED = ["deviceClientId", "region", "rotatable", "refreshTokenTtlSeconds"];

export function IdentityForm({ action, regions, initial, portalClientTtlSeconds, submitLabel, chooseKind }: Props) {
  const { state, formAction, pending, ref: form, errors } = useActionForm(action);
  const typed = state?.values ?? initial;
  const [kind, setKind] = useState(typed?.kind ?? "device_grant");
  return (
    <form
      ref={form}
      key={JSON.stringify(typed ?? {})}
      action={formAction}
      className={`flex max-w-2xl flex-col gap-5 p-6 ${CARD_FRAME}`}
    >
      <Field
        name="name"
        label="Name"
        hint="Unique in this team, e.g. the script or job it serves. Up to 80 characters."
        errors={errors.name}
      >
        {(a) => <input {...a} defaultValue={typed?.name} required className={input} />}
      </Field>
      {chooseKind ? <KindChoice kind={kind} onChange={setKind} /> : <input type="hidden" name="kind" value={kind} />}
      <Field name="description" label="Description" hint="Up to 500 characters." errors={errors.description}>
        {(a) => <textarea {...a} defaultValue={typed?.description} rows={2} className={input} />}
      </Field>
      <Field
        name="expectedEmail"
        label={kind === "certificate" ? "Service account (email)" : "Expected service account (email)"}
        hint={
          kind === "certificate"
            ? "Required: the certificate request carries it, and an uploaded certificate must name it."
            : "If given, an approval by any other account is flagged."
        }
        errors={errors.expectedEmail}
      >
        {(a) => <input {...a} defaultValue={typed?.expectedEmail} type="email" className={input} />}
      </Field>
      {kind === "certificate" ? (
        <CertificateFields typed={typed} errors={errors} regions={regions} />
      ) : (
        <AdvancedFields
          typed={typed}
          errors={errors}
          regions={regions}
          portalClientTtlSeconds={portalClientTtlSeconds}
        />
      )}
      <div className="flex items-center gap-3">
        <SubmitRow pending={pending} label={submitLabel} pendingLabel="Saving…" state={state} />
      </div>
    </form>
  );
}

/** What every group of fields is given: what the form holds, its errors and the regions to offer. */
type FieldsProps = Pick<Props, "regions"> & {
  typed: Partial<IdentityFormValues> | undefined;
  errors: Record<string, string[] | undefined>;
};

const KINDS = [
  {
    value: "device_grant",
    label: "Device grant",
    hint: "A person approves once in the browser. Needs a password account (an SSO exception user on SSO tenants).",
  },
  {
    value: "certificate",
    label: "CA certificate",
    hint: "For SSO accounts: no exception user, no password to expire. The portal holds the key and signs each login.",
  },
] as const;

function KindChoice({ kind, onChange }: { kind: string; onChange: (kind: string) => void }) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-900">How it signs in to Anaplan</legend>
      <div className="mt-2 grid gap-3 sm:grid-cols-2">
        {KINDS.map((k) => (
          <label
            key={k.value}
            className="flex gap-3 rounded-md p-3 ring-1 ring-slate-300 has-checked:ring-2 has-checked:ring-brand-600"
          >
            <input
              type="radio"
              name="kind"
              value={k.value}
              checked={kind === k.value}
              onChange={() => onChange(k.value)}
              className="mt-1 size-4"
            />
            <span>
              <span className="block text-sm font-semibold text-slate-900">{k.label}</span>
              <span className="block text-xs text-slate-600">{k.hint}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** A certificate identity's settings: its region and, for tenants that still need it, the v1 payload. */
function CertificateFields({ typed, errors, regions }: FieldsProps) {
  return (
    <details
      open={Boolean(errors.region?.length || errors.certificateFormat?.length)}
      className="rounded-md ring-1 ring-slate-200 open:pb-4"
    >
      <summary className="cursor-pointer px-4 py-3 text-sm font-medium text-slate-900">
        Advanced: region and payload
      </summary>
      <div className="flex flex-col gap-5 px-4 pt-2">
        <RegionField typed={typed} errors={errors} regions={regions} />
        <Field
          name="certificateFormat"
          label="CA-certificate payload"
          hint="Anaplan requires v2 (a timestamped nonce) since 2026; choose v1 only for a tenant that still requires it."
          errors={errors.certificateFormat}
        >
          {(a) => (
            <select {...a} defaultValue={typed?.certificateFormat ?? "v2"} className={input}>
              <option value="v2">v2 (timestamped nonce)</option>
              <option value="v1">v1 (legacy)</option>
            </select>
          )}
        </Field>
      </div>
    </details>
  );
}

function RegionField({ typed, errors, regions }: FieldsProps) {
  return (
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
  );
}

/** The OAuth client's settings, folded away (and opened when one of them was refused). */
function AdvancedFields({
  typed,
  errors,
  regions,
  portalClientTtlSeconds,
}: FieldsProps & Pick<Props, "portalClientTtlSeconds">) {
  const advancedErrors = ADVANCED.some((name) => errors[name]?.length);
  const regionLabel = regions.find((r) => r.value === (typed?.region ?? "default"))?.label ?? "default";
  return (
    <details open={advancedErrors} className="rounded-md ring-1 ring-slate-200 open:pb-4">
      <summary className="cursor-pointer px-4 py-3 text-sm font-medium text-slate-900">
        Advanced: OAuth client settings
        <span className="block text-xs font-normal text-slate-500">
          {typed?.deviceClientId ? "The portal's device-grant client" : "No default client: give one"} · {regionLabel} ·{" "}
          {typed?.rotatable === "off" ? "Non-Rotatable" : "Rotatable"}
          {typed?.rotatable === "off"
            ? ""
            : ` · TTL ${typed?.refreshTokenTtlSeconds ? `${typed.refreshTokenTtlSeconds} s` : "unknown"}`}
        </span>
      </summary>
      <div className="flex flex-col gap-5 px-4 pt-2">
        <Field
          name="deviceClientId"
          label="Device-grant client id"
          hint="32 hex characters, from Administration → Security → OAuth Clients."
          errors={errors.deviceClientId}
        >
          {(a) => (
            <input
              {...a}
              defaultValue={typed?.deviceClientId}
              pattern="[0-9a-f]{32}"
              className={`${input} font-mono`}
            />
          )}
        </Field>
        <RegionField typed={typed} errors={errors} regions={regions} />
        <input type="hidden" name="certificateFormat" value={typed?.certificateFormat ?? "v2"} />
        <RotatableBox checked={typed?.rotatable !== "off"} />
        <Field
          name="refreshTokenTtlSeconds"
          label="Refresh-token TTL in seconds"
          hint={`As set on the client (Anaplan's default is 43000). Blank on the portal's own client means its TTL, ${portalClientTtlSeconds} s; on another client, unknown.`}
          errors={errors.refreshTokenTtlSeconds}
        >
          {(a) => (
            <input {...a} defaultValue={typed?.refreshTokenTtlSeconds} type="number" min={60} className={input} />
          )}
        </Field>
        <p className="text-xs text-slate-500">
          Whether a refresh extends the TTL (sliding) or the chain ends a TTL after the enrolment (absolute) is not
          documented by Anaplan: the portal learns it from the client's own tokens and assumes absolute until then.
        </p>
      </div>
    </details>
  );
}

function RotatableBox({ checked }: { checked: boolean }) {
  return (
    <div className="flex items-center gap-2">
      {/* An unticked box sends nothing; this says "off" so that it cannot fall back to the default. */}
      <input type="hidden" name="rotatable" value="off" />
      <input id="rotatable" name="rotatable" type="checkbox" defaultChecked={checked} className="size-4" />
      <label htmlFor="rotatable" className="text-sm text-slate-900">
        The client's refresh tokens are Rotatable
      </label>
    </div>
  );
}
