import Link from "next/link";
import { ExpiryWarning } from "@/components/expiry-warning";
import { StateBadge } from "@/components/state-badge";
import { CARD_FRAME } from "@/components/ui";
import { When } from "@/components/when";
import type { ListedIdentity } from "@/lib/identities/list";
import type { IdentitySort } from "@/lib/identities/schemas";

type Props = { slug: string; identities: ListedIdentity[]; sort: IdentitySort; sortHref: (s: IdentitySort) => string };

const COLUMNS: { label: string; sort?: IdentitySort; hint?: string }[] = [
  { label: "Name", sort: "name" },
  { label: "State", sort: "state", hint: "needs attention first" },
  { label: "Approved by" },
  { label: "Last refreshed" },
  { label: "Last used", sort: "last_used", hint: "most recent first" },
  { label: "Refresh token expires", sort: "expiry", hint: "soonest first" },
];

function Expiry({ identity }: { identity: ListedIdentity }) {
  const expiry = identity.refreshTokenExpiry;
  if (!expiry) return <span>—</span>;
  return (
    <>
      <When at={expiry.at} />
      {expiry.assumed ? (
        <span className="text-slate-500"> if absolute (not known yet)</span>
      ) : expiry.estimated ? (
        <span className="text-slate-500"> (estimated)</span>
      ) : null}
      <ExpiryWarning warning={identity.expiryWarning} />
    </>
  );
}

function Reason({ identity }: { identity: ListedIdentity }) {
  return identity.state === "needs_attention" && identity.attentionReason ? (
    <p className="mt-1 max-w-xs text-xs text-amber-900">{identity.attentionReason}</p>
  ) : null;
}

/** The identity's name, linked to its page, and its kind when that is a certificate. */
function NameLink({ slug, identity: i }: { slug: string; identity: ListedIdentity }) {
  return (
    <>
      <Link href={`/teams/${slug}/identities/${i.id}`} className="break-all text-brand-700 hover:underline">
        {i.name}
      </Link>
      {i.kind === "certificate" ? (
        <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-600">certificate</span>
      ) : null}
    </>
  );
}

/** A table at desktop widths; at phone widths the same rows as cards, so nothing scrolls out of sight. */
export function IdentityTable({ slug, identities, sort, sortHref }: Props) {
  const link = (i: ListedIdentity) => <NameLink slug={slug} identity={i} />;
  return (
    <>
      <div className={`hidden overflow-x-auto md:block ${CARD_FRAME}`}>
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.label}
                  scope="col"
                  className="px-3 py-2"
                  aria-sort={
                    c.sort && c.sort === sort ? (c.sort === "last_used" ? "descending" : "ascending") : undefined
                  }
                >
                  {c.sort ? (
                    <Link href={sortHref(c.sort)} title={`Sort by ${c.label.toLowerCase()}, ${c.hint ?? "A to Z"}`}>
                      {c.label}
                      {c.sort === sort ? <span aria-hidden="true"> ▾</span> : null}
                    </Link>
                  ) : (
                    c.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {identities.map((i) => (
              <tr key={i.id}>
                <td className="px-3 py-3 font-medium">{link(i)}</td>
                <td className="px-3 py-3">
                  <StateBadge state={i.state} />
                  <Reason identity={i} />
                </td>
                <td className="px-3 py-3 text-slate-700">{i.approvedByEmail ?? "—"}</td>
                <td className="px-3 py-3 text-slate-700">
                  <When at={i.lastRefreshAt} />
                </td>
                <td className="px-3 py-3 text-slate-700">
                  <When at={i.lastUsedAt} />
                </td>
                <td className="px-3 py-3 text-slate-700">
                  <Expiry identity={i} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="flex flex-col gap-3 md:hidden">
        {identities.map((i) => (
          <li key={i.id} className={`p-4 text-sm ${CARD_FRAME}`}>
            <div className="flex items-start justify-between gap-3 font-medium">
              {link(i)}
              <StateBadge state={i.state} />
            </div>
            <Reason identity={i} />
            <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-slate-700">
              <dt className="text-slate-500">Last used</dt>
              <dd>
                <When at={i.lastUsedAt} />
              </dd>
              <dt className="text-slate-500">Expires</dt>
              <dd>
                <Expiry identity={i} />
              </dd>
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}
