import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/components/action-button";
import { StateBadge } from "@/components/state-badge";
import { requireUser } from "@/lib/auth/dal";
import { getIdentity } from "@/lib/identities/manage";
import { orNotFound } from "@/lib/pages";
import { can } from "@/lib/permissions";
import { actorOf } from "@/lib/teams/access";
import { setIdentityActiveAction, startEnrolmentAction } from "../actions";

export const metadata: Metadata = { title: "Service identity" };

type Props = { params: Promise<{ team: string; identity: string }> };

const when = (d: Date | null | undefined) => (d ? `${d.toISOString().slice(0, 16).replace("T", " ")} UTC` : "—");

export default async function IdentityPage({ params }: Props) {
  const { team: slug, identity: id } = await params;
  const session = await requireUser();
  const { team, role, identity } = await orNotFound(getIdentity(actorOf(session), slug, id));
  const rows: [string, string][] = [
    ["Description", identity.description || "—"],
    ["Approved by", identity.approvedByEmail ?? "—"],
    ["Expected service account", identity.expectedEmail ?? "any"],
    ["Device-grant client id", identity.deviceClientId],
    ["OAuth host", identity.oauthUrl],
    [
      "Refresh tokens",
      identity.rotatable
        ? `Rotatable${identity.refreshTokenTtlSeconds ? `, TTL ${identity.refreshTokenTtlSeconds} s` : ""}`
        : "Non-Rotatable",
    ],
    ["Last refreshed", when(identity.grant?.lastRefreshAt)],
    ["Last used", when(identity.lastUsedAt)],
    [
      "Refresh token expires",
      identity.refreshTokenExpiry
        ? `${when(identity.refreshTokenExpiry.at)}${identity.refreshTokenExpiry.estimated ? " (estimated)" : ""}`
        : "—",
    ],
  ];
  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-6 px-6 py-12">
      <div>
        <Link href={`/teams/${slug}/identities`} className="text-sm text-brand-700 hover:underline">
          ← {team.name}: identities
        </Link>
        <div className="mt-2 flex items-center gap-3">
          <h1 className="text-3xl font-bold tracking-tight text-brand-900">{identity.name}</h1>
          <StateBadge state={identity.state} />
        </div>
        {identity.state === "needs_attention" && identity.grant?.statusReason ? (
          <p role="alert" className="mt-2 text-sm text-amber-900">
            {identity.grant.statusReason}
          </p>
        ) : null}
      </div>
      <dl className="divide-y divide-slate-100 rounded-lg bg-white px-6 py-2 shadow-sm ring-1 ring-slate-200">
        {rows.map(([label, value]) => (
          <div key={label} className="grid grid-cols-3 gap-4 py-2.5">
            <dt className="text-sm font-medium text-slate-500">{label}</dt>
            <dd className="col-span-2 break-all text-sm text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
      <div className="flex flex-wrap items-center gap-4">
        {can(role, "identity.edit") ? (
          <Link
            href={`/teams/${slug}/identities/${identity.id}/edit`}
            className="rounded-md px-4 py-2 text-sm font-semibold text-brand-700 ring-1 ring-brand-600 hover:bg-brand-50"
          >
            Edit
          </Link>
        ) : null}
        {can(role, "identity.deactivate") ? (
          <ActionButton
            action={setIdentityActiveAction.bind(null, slug, identity.id, identity.state === "deactivated")}
            label={identity.state === "deactivated" ? "Reactivate" : "Deactivate"}
            pendingLabel="Saving…"
            tone={identity.state === "deactivated" ? "secondary" : "danger"}
          />
        ) : null}
      </div>
      {can(role, "identity.enrol") && identity.state !== "deactivated" ? (
        identity.pendingEnrolmentId ? (
          <Link
            href={`/teams/${slug}/enrolments/${identity.pendingEnrolmentId}`}
            className="self-start rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
          >
            Continue enrolment
          </Link>
        ) : (
          <ActionButton
            action={startEnrolmentAction.bind(null, slug, identity.id)}
            label={identity.state === "not_enrolled" ? "Enrol" : "Re-enrol"}
            pendingLabel="Requesting a code from Anaplan…"
          />
        )
      ) : null}
    </main>
  );
}
