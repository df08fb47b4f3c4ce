import type { Metadata } from "next";
import { ActivityView } from "@/components/activity-view";
import { BackLink, PageTitle } from "@/components/ui";
import { readActivityView } from "@/lib/gateway/activity";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf } from "@/lib/teams/access";

export const metadata: Metadata = { title: "Gateway activity" };

type Props = {
  params: Promise<{ team: string; identity: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
};

export default async function ActivityPage({ params, searchParams }: Props) {
  const { team, identity: id } = await params;
  const actor = actorOf(await requireUser());
  const view = await orNotFound(readActivityView(actor, team, id, await searchParams));
  const path = `/teams/${team}/identities/${view.identity.id}/activity`;
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-10">
      <div>
        <BackLink href={`/teams/${team}/identities/${view.identity.id}`}>{view.identity.name}</BackLink>
        <PageTitle className="mt-2">Gateway activity</PageTitle>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Every call scripts made through the portal&apos;s gateway with this identity, newest first: what it touched,
          how Anaplan (or the key&apos;s limits) answered, and how much it moved. Calls cannot be changed or deleted.
        </p>
      </div>
      <ActivityView {...view} path={path} csvPath={`/api/teams/${team}/identities/${view.identity.id}/activity`} />
    </main>
  );
}
