import type { Metadata } from "next";
import Link from "next/link";
import { ButtonLink, Eyebrow, PageTitle } from "@/components/ui";
import { gettingStarted } from "@/lib/identities/getting-started";
import { listIdentities } from "@/lib/identities/list";
import { IDENTITY_STATES, type ListQuery, listQuery } from "@/lib/identities/schemas";
import { STATE_LABELS } from "@/lib/identities/state";
import { teamSummary } from "@/lib/identities/summary";
import { can } from "@/lib/permissions";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf } from "@/lib/teams/access";
import { GettingStarted } from "./getting-started";
import { IdentityTable } from "./identity-table";
import { IncidentPanel } from "./incident-panel";
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
        <nav aria-label="Filter by state" className="flex flex-wrap gap-2 text-sm">
          <Link
            href={href({ state: undefined })}
            aria-current={!query.state ? "page" : undefined}
            className={chip(!query.state)}
          >
            All{" "}
            <span className="tabular-nums opacity-75">
              {Object.values(summary.counts).reduce((a, b) => a + (b ?? 0), 0)}
            </span>
          </Link>
          {IDENTITY_STATES.map((s) => (
            <Link
              key={s}
              href={href({ state: s })}
              aria-current={query.state === s ? "page" : undefined}
              className={chip(query.state === s)}
            >
              {STATE_LABELS[s]} <span className="tabular-nums opacity-75">{summary.counts[s] ?? 0}</span>
            </Link>
          ))}
        </nav>
        <search className="ml-auto">
          <form className="flex gap-2" action={`/teams/${slug}/identities`}>
            {query.state ? <input type="hidden" name="state" value={query.state} /> : null}
            {query.sort !== "name" ? <input type="hidden" name="sort" value={query.sort} /> : null}
            <label htmlFor="q" className="sr-only">
              Search by name
            </label>
            <input
              id="q"
              name="q"
              defaultValue={query.q}
              placeholder="Search by name"
              className="rounded-md border-0 px-3 py-1.5 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-brand-600"
            />
            <button
              type="submit"
              className="rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-100"
            >
              Search
            </button>
          </form>
        </search>
      </div>
      {identities.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="font-medium text-slate-900">
            {beyondEnd ? "No more identities here" : filtered ? "Nothing matches" : "No identities yet"}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            {beyondEnd ? (
              <Link href={href({})} className="font-medium text-brand-700 hover:underline">
                Back to the first page
              </Link>
            ) : can(role, "identity.create") ? (
              "Create an identity for each script, then enrol it with Anaplan's device grant."
            ) : (
              "A team admin creates identities for scripts."
            )}
          </p>
        </div>
      ) : (
        <IdentityTable
          slug={slug}
          identities={identities}
          sort={query.sort}
          sortHref={(sort) => href({ state: query.state, q: query.q, sort }, false)}
        />
      )}
      {previous || next ? (
        <nav aria-label="Pages" className="flex flex-wrap justify-end gap-2 text-sm">
          {previous ? (
            <>
              <Link href={href({})} className={chip(false)}>
                First
              </Link>
              <Link href={href({ before: previous })} className={chip(false)}>
                Previous
              </Link>
            </>
          ) : null}
          {next ? (
            <>
              <Link href={href({ after: next })} className={chip(false)}>
                Next
              </Link>
              <Link href={href({ last: "1" })} className={chip(false)}>
                Last
              </Link>
            </>
          ) : null}
        </nav>
      ) : null}
      {can(role, "identity.revoke") && (identities.length > 0 || filtered) ? <IncidentPanel slug={slug} /> : null}
    </main>
  );
}

const chip = (active: boolean) =>
  `rounded-full px-3 py-1 ring-1 ${active ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-100"}`;
