// The identity list's controls: state filter chips with counts, the name search, the empty state and the pager.
// Each link is built by the page's `href`, so filters and sort survive paging.
import Link from "next/link";
import { SearchForm } from "@/components/search-form";
import { EmptyState } from "@/components/ui";
import { IDENTITY_STATES, type IdentityState, type ListQuery } from "@/lib/identities/schemas";
import { STATE_LABELS } from "@/lib/identities/state";

type Href = (change: Partial<ListQuery>) => string;

export const chip = (active: boolean) =>
  `rounded-full px-3 py-1 ring-1 ${active ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-100"}`;

export function StateFilter({
  query,
  counts,
  href,
}: {
  query: ListQuery;
  counts: Partial<Record<IdentityState, number>>;
  href: Href;
}) {
  return (
    <nav aria-label="Filter by state" className="flex flex-wrap gap-2 text-sm">
      <Link
        href={href({ state: undefined })}
        aria-current={!query.state ? "page" : undefined}
        className={chip(!query.state)}
      >
        All <span className="tabular-nums opacity-75">{Object.values(counts).reduce((a, b) => a + (b ?? 0), 0)}</span>
      </Link>
      {IDENTITY_STATES.map((s) => (
        <Link
          key={s}
          href={href({ state: s })}
          aria-current={query.state === s ? "page" : undefined}
          className={chip(query.state === s)}
        >
          {STATE_LABELS[s]} <span className="tabular-nums opacity-75">{counts[s] ?? 0}</span>
        </Link>
      ))}
    </nav>
  );
}

export function NameSearch({ slug, query }: { slug: string; query: ListQuery }) {
  return (
    <SearchForm
      className="ml-auto"
      action={`/teams/${slug}/identities`}
      label="Search by name"
      value={query.q}
      keep={{ state: query.state, sort: query.sort !== "name" ? query.sort : undefined }}
    />
  );
}

export function EmptyList({
  beyondEnd,
  filtered,
  canCreate,
  href,
}: {
  beyondEnd: boolean;
  filtered: boolean;
  canCreate: boolean;
  href: Href;
}) {
  return (
    <EmptyState>
      <p className="font-medium text-slate-900">
        {beyondEnd ? "No more identities here" : filtered ? "Nothing matches" : "No identities yet"}
      </p>
      <p className="mt-1 text-sm text-slate-600">
        {beyondEnd ? (
          <Link href={href({})} className="font-medium text-brand-700 hover:underline">
            Back to the first page
          </Link>
        ) : canCreate ? (
          "Create an identity for each script, then enrol it with Anaplan's device grant."
        ) : (
          "A team admin creates identities for scripts."
        )}
      </p>
    </EmptyState>
  );
}

export function Pager({ previous, next, href }: { previous?: string | null; next?: string | null; href: Href }) {
  if (!previous && !next) return null;
  return (
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
  );
}
