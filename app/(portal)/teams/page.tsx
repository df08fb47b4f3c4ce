import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardList, EmptyState, PageTitle } from "@/components/ui";
import { requireUser } from "@/lib/server/auth/dal";
import { actorOf } from "@/lib/teams/access";
import { listTeamsFor } from "@/lib/teams/manage";
import { createTeamAction } from "./actions";
import { CreateTeamForm } from "./create-team-form";

export const metadata: Metadata = { title: "Teams" };

export default async function TeamsPage() {
  const session = await requireUser();
  const teams = await listTeamsFor(actorOf(session));
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-8 px-6 py-12">
      <PageTitle>Teams</PageTitle>
      {teams.length === 0 ? (
        <EmptyState>
          <p className="font-medium text-slate-900">You are not in a team yet</p>
          <p className="mt-1 text-sm text-slate-600">
            {session.user.isPortalAdmin
              ? "Create the first team below."
              : "Ask a portal admin or a team admin to add you."}
          </p>
        </EmptyState>
      ) : (
        <CardList>
          {teams.map(({ team, role }) => (
            <li key={team.id} className="flex items-center justify-between px-6 py-4">
              <div>
                <Link href={`/teams/${team.slug}/identities`} className="font-semibold text-brand-700 hover:underline">
                  {team.name}
                </Link>
                <p className="text-xs text-slate-500">{team.slug}</p>
              </div>
              <div className="flex items-center gap-4 text-sm">
                <span className="rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-semibold text-slate-700">
                  {role}
                </span>
                <Link href={`/teams/${team.slug}/members`} className="text-slate-700 hover:text-brand-700">
                  Members
                </Link>
              </div>
            </li>
          ))}
        </CardList>
      )}
      {session.user.isPortalAdmin ? (
        <Card aria-labelledby="create-team">
          <h2 id="create-team" className="text-lg font-semibold text-slate-900">
            Create a team
          </h2>
          <CreateTeamForm action={createTeamAction} />
        </Card>
      ) : null}
    </main>
  );
}
