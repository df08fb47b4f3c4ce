import type { IdentityState } from "@/lib/identities/schemas";
import { STATE_LABELS } from "@/lib/identities/state";

const STYLES: Record<IdentityState, string> = {
  not_enrolled: "bg-slate-100 text-slate-700 ring-slate-300",
  enrolling: "bg-sky-50 text-sky-800 ring-sky-300",
  active: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  needs_attention: "bg-amber-50 text-amber-900 ring-amber-300",
  expired: "bg-red-50 text-red-800 ring-red-300",
  deactivated: "bg-slate-200 text-slate-600 ring-slate-400",
  revoked: "bg-red-100 text-red-900 ring-red-400",
};

export function StateBadge({ state }: { state: IdentityState }) {
  return (
    <span className={`inline-flex rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ${STYLES[state]}`}>
      {STATE_LABELS[state]}
    </span>
  );
}
