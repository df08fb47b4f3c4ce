import type { Metadata } from "next";
import { ButtonLink, Eyebrow, PageTitle } from "@/components/ui";
import { gettingStarted } from "@/lib/identities/getting-started";
import { listIdentities } from "@/lib/identities/list";
import { type ListQuery, listQuery } from "@/lib/identities/schemas";
import { teamSummary } from "@/lib/identities/summary";
import { can } from "@/lib/permissions";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf } from "@/lib/teams/access";
import { GettingStarted } from "./getting-started";
import { IdentityTable } from "./identity-table";
import { IncidentPanel } from "./incident-panel";
import { EmptyList, NameSearch, Pager, StateFilter } from "./list-controls";
import { TeamSummary } from "./team-summary";

export const metadata: Metadata = { title: "Service identities" };

type Props = { params: Promise<{ team: string }>; searchParams: Promise<Record<string, string | undefined>> };

export default async function IdentitiesPage({ params, searchParams }: Props) {
  const { team: slug } = await params;
  const search = await searchParams;
  const query = listQuery.parse(search);
  // Set by the delete action's redirect; says nothing of its own (no name from the URL is shown).
  const justDeleted = search.deleted === "1";
  const session = await requireUser();
  const [{ team, role, identities, next, previous, beyondEnd }, summary] = await orNotFound(
    Promise.all([listIdentities(actorOf(session), slug, query), teamSummary(actorOf(session), slug)]),
  );
  const progress = can(role, "identity.create") ? await gettingStarted(team.id) : null;
  // Filters and sort survive paging; a change of filter or sort starts again at the first page.
  const href = (change: Partial<ListQuery>, keepFilters = true) => {
    const next = { ...(keepFilters ? { state: query.state, q: query.q, sort: query.sort } : {}), ...change };
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v && !(k === "sort" && v === "name")) search.set(k, v);
    return `/teams/${slug}/identities${search.size ? `?${search}` : ""}`;
  };
  const filtered = Boolean(query.state || query.q);
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-10">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <Eyebrow>{team.name}</Eyebrow>
          <PageTitle>Service identities</PageTitle>
        </div>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          {can(role, "identity.create") ? (
            <ButtonLink href={`/teams/${slug}/identities/new`}>New identity</ButtonLink>
          ) : null}
        </div>
      </div>
      {justDeleted ? (
        <p
          role="status"
          className="rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-800 ring-1 ring-emerald-200"
        >
          The identity was deleted. Its history stays in the team's audit trail.
        </p>
      ) : null}
      {progress && !progress.used ? <GettingStarted slug={slug} progress={progress} /> : null}
      <TeamSummary slug={slug} summary={summary} />
      <div className="flex flex-wrap items-center gap-3">
        <StateFilter query={query} counts={summary.counts} href={href} />
        <NameSearch slug={slug} query={query} />
      </div>
      {identities.length === 0 ? (
        <EmptyList beyondEnd={beyondEnd} filtered={filtered} canCreate={can(role, "identity.create")} href={href} />
      ) : (
        <IdentityTable
          slug={slug}
          identities={identities}
          sort={query.sort}
          sortHref={(sort) => href({ state: query.state, q: query.q, sort }, false)}
        />
      )}
      <Pager previous={previous} next={next} href={href} />
      {can(role, "identity.revoke") && (identities.length > 0 || filtered) ? <IncidentPanel slug={slug} /> : null}
    </main>
  );
}
