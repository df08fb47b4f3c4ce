"use client";
import { CopyButton } from "@/components/copy-button";
import { Field, inputClass, SubmitRow } from "@/components/field";
import { useActionForm } from "@/components/use-action-form";
import type { ActionState } from "@/lib/server/actions";

export function AddMemberForm({ action }: { action: (p: ActionState, f: FormData) => Promise<ActionState> }) {
  const { state, formAction, pending, ref: form, errors } = useActionForm(action);
  return (
    <form
      ref={form}
      key={JSON.stringify(state?.values ?? {})}
      action={formAction}
      className="mt-4 grid gap-4 sm:grid-cols-3"
    >
      <div className="sm:col-span-2">
        <Field
          name="email"
          label="Email"
          hint="Someone who has signed in joins now; anyone else is invited."
          errors={errors.email}
        >
          {(a) => <input {...a} type="email" defaultValue={state?.values?.email} required className={inputClass} />}
        </Field>
      </div>
      <Field name="role" label="Role" errors={errors.role}>
        {(a) => (
          <select {...a} defaultValue={state?.values?.role ?? "member"} className={inputClass}>
            <option value="member">member</option>
            <option value="admin">admin</option>
          </select>
        )}
      </Field>
      <div className="flex items-center gap-3 sm:col-span-3">
        <SubmitRow pending={pending} label="Add member" pendingLabel="Adding…" state={state} />
      </div>
      {typeof state?.data?.signInLink === "string" ? (
        <div className="flex flex-wrap items-center gap-3 sm:col-span-3">
          <span className="text-sm text-slate-700">Sign-in link to send:</span>
          <code className="break-all rounded bg-slate-100 px-2 py-1 text-sm">{state.data.signInLink}</code>
          <CopyButton value={state.data.signInLink} label="Copy link" />
        </div>
      ) : null}
    </form>
  );
}
