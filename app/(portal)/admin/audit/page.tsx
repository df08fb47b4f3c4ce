import type { Metadata } from "next";
import { AuditView } from "@/components/audit-view";
import { PageTitle } from "@/components/ui";
import { readAuditView } from "@/lib/audit-trail/read";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf } from "@/lib/teams/access";

export const metadata: Metadata = { title: "Portal audit trail" };

type Props = { searchParams: Promise<Record<string, string | undefined>> };

export default async function PortalAuditPage({ searchParams }: Props) {
  const session = await requireUser();
  const view = await orNotFound(readAuditView(actorOf(session), null, await searchParams));
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-10">
      <div>
        <PageTitle>Portal audit trail</PageTitle>
        <p className="mt-1 text-sm text-slate-600">Every team's events and sign-ins, newest first (portal admins).</p>
      </div>
      <AuditView {...view} path="/admin/audit" csvPath="/api/admin/audit" showTeam />
    </main>
  );
}
