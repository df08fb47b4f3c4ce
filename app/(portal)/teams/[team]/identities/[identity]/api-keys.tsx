import { ConfirmAction } from "@/components/confirm-action";
import { ExpiryWarning } from "@/components/expiry-warning";
import { TableHead } from "@/components/table-head";
import { When } from "@/components/when";
import type { ApiKeyView } from "@/lib/broker/keys";
import { expiryWarning } from "@/lib/identities/warnings";
import { revokeApiKeyAction } from "../actions";
import { GatewayAccess } from "./gateway-access";

/** The identity's keys by prefix: who made each, when it expires, when and from where it was last used. */
export function ApiKeyList(props: {
  slug: string;
  identityId: string;
  keys: ApiKeyView[];
  canManage: boolean;
  /** The identity is deactivated: its live keys are refused until it is reactivated, and say so. */
  paused: boolean;
}) {
  if (props.keys.length === 0) {
    return <p className="text-sm text-slate-600">No API keys yet. Scripts need one to ask the portal for tokens.</p>;
  }
  return (
    <div className="overflow-x-auto">
      <table className="stack-on-phone min-w-full divide-y divide-slate-200 text-sm">
        <TableHead
          columns={["Name", "Key", "Access", "Created", "Expires", "Last used", "State", { hidden: "Actions" }]}
        />
        <tbody className="divide-y divide-slate-100">
          {props.keys.map((k) => (
            <tr key={k.id} aria-label={`API key ${k.name}`}>
              <td data-label="Name" className="py-2 pr-4 font-medium text-slate-900">
                {k.name}
              </td>
              <td data-label="Key" className="py-2 pr-4 font-mono text-xs text-slate-700">
                {k.prefix}_…
              </td>
              <td data-label="Access" className="max-w-xs py-2 pr-4 text-slate-700">
                <GatewayAccess
                  policy={k.policy}
                  name={`key ${k.name}`}
                  limitsHref={
                    props.canManage && k.state === "live"
                      ? `/teams/${props.slug}/identities/${props.identityId}/keys/${k.id}`
                      : null
                  }
                />
              </td>
              <td data-label="Created" className="py-2 pr-4 text-slate-700">
                <When at={k.createdAt} />
                {k.createdBy ? <span className="block text-xs text-slate-500">by {k.createdBy}</span> : null}
              </td>
              <td data-label="Expires" className="py-2 pr-4 text-slate-700">
                {k.expiresAt ? <When at={k.expiresAt} /> : "never"}
                {k.state === "live" ? <ExpiryWarning warning={expiryWarning(k.expiresAt)} /> : null}
              </td>
              <td data-label="Last used" className="py-2 pr-4 text-slate-700">
                <When at={k.lastUsedAt} />
                {k.lastUsedIp ? <span className="block text-xs text-slate-500">from {k.lastUsedIp}</span> : null}
              </td>
              <td data-label="State" className="py-2 pr-4">
                <KeyState state={k.state} paused={props.paused} />
              </td>
              <td className="py-2">
                {props.canManage && k.state === "live" ? (
                  <ConfirmAction
                    action={revokeApiKeyAction.bind(null, props.slug, props.identityId, k.id)}
                    label="Revoke"
                    confirmLabel="Revoke this key"
                    pendingLabel="Revoking…"
                  >
                    Scripts using <code>{k.prefix}_…</code> are refused from now on. Other keys keep working.
                  </ConfirmAction>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KeyState({ state, paused }: { state: ApiKeyView["state"]; paused: boolean }) {
  if (state === "live" && paused) {
    return (
      <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-semibold text-amber-900">
        refused while deactivated
      </span>
    );
  }
  const tone = state === "live" ? "bg-emerald-50 text-emerald-800" : "bg-slate-100 text-slate-600";
  return <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${tone}`}>{state}</span>;
}
