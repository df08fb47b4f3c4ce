import { ConfirmAction } from "@/components/confirm-action";
import { deactivateAllAction, reactivateAllAction, revokeAllAction } from "./actions";

/** Team-wide incident buttons: for a leaked key or a compromised service account, everything at once. */
export function IncidentPanel({ slug }: { slug: string }) {
  return (
    <section aria-labelledby="incident" className="flex flex-col gap-4 rounded-lg bg-white p-6 ring-1 ring-red-200">
      <div>
        <h2 id="incident" className="text-lg font-semibold text-red-900">
          Incident response
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          For every identity of this team that holds a token, at once. Nobody's password, no identity without a token
          and no other team is touched.
        </p>
      </div>
      <div className="flex flex-wrap gap-6">
        <ConfirmAction
          action={deactivateAllAction.bind(null, slug)}
          label="Deactivate all…"
          confirmLabel="Deactivate all identities"
          pendingLabel="Deactivating…"
          typeToConfirm={slug}
        >
          <strong>Deactivate all (reversible).</strong> Every API key of every identity in this team is refused from now
          on; tokens are kept alive, and "Reactivate all" (or each identity's page) restores them.
        </ConfirmAction>
        <ConfirmAction
          action={reactivateAllAction.bind(null, slug)}
          label="Reactivate all…"
          confirmLabel="Reactivate all identities"
          pendingLabel="Reactivating…"
          tone="primary"
          typeToConfirm={slug}
        >
          <strong>Reactivate all.</strong> Every deactivated identity of this team that still holds its tokens accepts
          its API keys again. Revoked identities stay revoked.
        </ConfirmAction>
        <ConfirmAction
          action={revokeAllAction.bind(null, slug)}
          label="Revoke all…"
          confirmLabel="Revoke every identity's tokens"
          pendingLabel="Revoking…"
          typeToConfirm={slug}
        >
          <strong>Revoke all (final).</strong> Every sealed token of this team is destroyed and every API key revoked in
          one transaction, then the access tokens are logged out at Anaplan. Each identity must be enrolled again.
        </ConfirmAction>
      </div>
    </section>
  );
}
