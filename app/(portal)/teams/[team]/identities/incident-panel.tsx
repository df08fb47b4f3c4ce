import { ConfirmAction } from "@/components/confirm-action";
import { inputClass } from "@/components/field";
import { deactivateAllAction, revokeAllAction } from "./actions";

function ConfirmSlug({ slug }: { slug: string }) {
  return (
    <label className="mt-3 block font-medium">
      Type <code className="rounded bg-white px-1">{slug}</code> to confirm
      <input name="confirm" autoComplete="off" maxLength={40} className={inputClass} />
    </label>
  );
}

/** Team-wide incident buttons: for a leaked key or a compromised service account, everything at once. */
export function IncidentPanel({ slug }: { slug: string }) {
  return (
    <section aria-labelledby="incident" className="flex flex-col gap-4 rounded-lg bg-white p-6 ring-1 ring-red-200">
      <div>
        <h2 id="incident" className="text-lg font-semibold text-red-900">
          Incident response
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          For every identity of this team at once. Nobody's password and no other team is touched.
        </p>
      </div>
      <div className="flex flex-wrap gap-6">
        <ConfirmAction
          action={deactivateAllAction.bind(null, slug)}
          label="Deactivate all…"
          confirmLabel="Deactivate all identities"
          pendingLabel="Deactivating…"
        >
          <strong>Deactivate all (reversible).</strong> Every API key of every identity in this team is refused from now
          on; tokens are kept alive, and each identity can be reactivated on its page.
          <ConfirmSlug slug={slug} />
        </ConfirmAction>
        <ConfirmAction
          action={revokeAllAction.bind(null, slug)}
          label="Revoke all…"
          confirmLabel="Revoke every identity's tokens"
          pendingLabel="Revoking…"
        >
          <strong>Revoke all (final).</strong> Every sealed token of this team is destroyed and every API key revoked in
          one transaction, then the access tokens are logged out at Anaplan. Each identity must be enrolled again.
          <ConfirmSlug slug={slug} />
        </ConfirmAction>
      </div>
    </section>
  );
}
