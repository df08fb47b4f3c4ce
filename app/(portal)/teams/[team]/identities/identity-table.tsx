import Link from "next/link";
import { StateBadge } from "@/components/state-badge";
import { TableHead } from "@/components/table-head";
import type { IdentityView } from "@/lib/identities/manage";

const when = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 16).replace("T", " ") : "—");

export function IdentityTable({ slug, identities }: { slug: string; identities: IdentityView[] }) {
  return (
    <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <TableHead
          columns={["Name", "State", "Approved by", "Last refreshed", "Last used", "Refresh token expires"]}
          className="bg-slate-50"
        />
        <tbody className="divide-y divide-slate-100">
          {identities.map((i) => (
            <tr key={i.id}>
              <td className="px-4 py-3 font-medium">
                <Link href={`/teams/${slug}/identities/${i.id}`} className="text-brand-700 hover:underline">
                  {i.name}
                </Link>
              </td>
              <td className="px-4 py-3">
                <StateBadge state={i.state} />
                {i.state === "needs_attention" && i.grant?.statusReason ? (
                  <p className="mt-1 max-w-xs text-xs text-amber-900">{i.grant.statusReason}</p>
                ) : null}
              </td>
              <td className="px-4 py-3 text-slate-700">{i.approvedByEmail ?? "—"}</td>
              <td className="px-4 py-3 text-slate-700">{when(i.grant?.lastRefreshAt)}</td>
              <td className="px-4 py-3 text-slate-700">{when(i.lastUsedAt)}</td>
              <td className="px-4 py-3 text-slate-700">
                {i.refreshTokenExpiry
                  ? `${when(i.refreshTokenExpiry.at)}${i.refreshTokenExpiry.estimated ? " (estimated)" : ""}`
                  : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
