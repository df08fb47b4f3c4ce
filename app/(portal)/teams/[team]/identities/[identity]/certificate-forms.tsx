"use client";
import { type ChangeEvent, useRef } from "react";
import { Field, inputClass, SubmitRow } from "@/components/field";
import { useActionForm } from "@/components/use-action-form";
import type { ActionState } from "@/lib/server/actions";

type Action = (previous: ActionState, form: FormData) => Promise<ActionState>;

/** A PEM pasted, or read from a chosen file into the same box (nothing is uploaded until the form is sent). */
function PemField(props: {
  form: string;
  name: string;
  label: string;
  hint: string;
  errors?: string[];
  initial?: string;
}) {
  const box = useRef<HTMLTextAreaElement>(null);
  const load = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file && box.current) box.current.value = await file.text();
  };
  return (
    <Field
      id={`${props.form}-${props.name}`}
      name={props.name}
      label={props.label}
      hint={props.hint}
      errors={props.errors}
    >
      {(control) => (
        <>
          <textarea
            {...control}
            ref={box}
            rows={6}
            spellCheck={false}
            defaultValue={props.initial}
            className={`${inputClass} font-mono text-xs`}
          />
          <input
            type="file"
            aria-label={`${props.label}: choose a file`}
            accept=".pem,.crt,.cer,.key,.txt"
            onChange={load}
            className="mt-2 block text-xs text-slate-600"
          />
        </>
      )}
    </Field>
  );
}

export function UploadCertificateForm({ action }: { action: Action }) {
  const { state, formAction, pending, ref, errors } = useActionForm(action);
  return (
    <form ref={ref} action={formAction} className="flex flex-col gap-4">
      <PemField
        form="upload"
        name="certificate"
        label="Signed certificate (PEM)"
        hint="The certificate your CA issued for this CSR, optionally followed by its intermediate certificates."
        errors={errors.certificate}
        initial={state?.values?.certificate}
      />
      <SubmitRow pending={pending} label="Upload certificate" pendingLabel="Checking…" state={state} />
    </form>
  );
}

export function ImportCertificateForm({ action }: { action: Action }) {
  const { state, formAction, pending, ref, errors } = useActionForm(action);
  return (
    <form ref={ref} action={formAction} className="flex flex-col gap-4">
      <PemField
        form="import"
        name="certificate"
        label="Certificate (PEM)"
        hint="Issued by a CA your tenant trusts, for the service account's email."
        errors={errors.certificate}
        initial={state?.values?.certificate}
      />
      <PemField
        form="import"
        name="privateKey"
        label="Its private key (PKCS#8 PEM)"
        hint="Sealed in the vault on arrival and never shown again; after a refusal, paste it again (it is not sent back)."
        errors={errors.privateKey}
      />
      <Field name="passphrase" label="Passphrase (if the key has one)" errors={errors.passphrase}>
        {(control) => <input {...control} type="password" autoComplete="off" className={inputClass} />}
      </Field>
      <SubmitRow pending={pending} label="Import key and certificate" pendingLabel="Checking…" state={state} />
    </form>
  );
}
