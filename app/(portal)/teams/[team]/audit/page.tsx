import type { Metadata } from "next";
import { AuditView } from "@/components/audit-view";
import { PageTitle } from "@/components/ui";
import { readAuditView } from "@/lib/audit-trail/read";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf } from "@/lib/teams/access";

export const metadata: Metadata = { title: "Audit trail" };

type Props = { params: Promise<{ team: string }>; searchParams: Promise<Record<string, string | undefined>> };

export default async function TeamAuditPage({ params, searchParams }: Props) {
  const { team } = await params;
  const session = await requireUser();
  const view = await orNotFound(readAuditView(actorOf(session), team, await searchParams));
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-10">
      <div>
        <PageTitle className="mt-2">Audit trail</PageTitle>
        <p className="mt-1 text-sm text-slate-600">
          Everything done in this team, newest first: by people and by API keys. Events cannot be changed or deleted.
        </p>
      </div>
      <AuditView {...view} path={`/teams/${team}/audit`} csvPath={`/api/teams/${team}/audit`} showTeam={false} />
    </main>
  );
}
