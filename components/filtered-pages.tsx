// What a filtered, keyset-paged list shares (the audit trail, an identity's gateway activity): the refused filters
// as one alert, the filter form, the rows or an empty state that says why, and links to the newest and older pages.
import Link from "next/link";
import type { ReactNode } from "react";
import { EmptyState } from "./ui";

type Filters = Record<string, string | undefined> & { before?: string };

/** What a filtered list's page is given: its rows, filters, and where it and its CSV live. */
export type PagedView<Row, F> = {
  rows: Row[];
  filters: F;
  /** A sentence per filter that was refused; nothing is shown until they are fixed. */
  problems: Record<string, string>;
  /** What the form was sent, shown back as typed (a refused value is kept, not emptied). */
  typed: Record<string, string>;
  next: string | null;
  path: string;
  csvPath: string;
};

/** `filters` with `change` as a query string ("" when empty): links keep the filters that are applied. */
export const pageQuery = (filters: Filters, change: Filters = {}) => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, ...change })) if (v) search.set(k, String(v));
  return search.size ? `?${search}` : "";
};

export function FilteredPages(props: {
  filters: Filters;
  problems: Record<string, string>;
  next: string | null;
  path: string;
  /** What the rows are, plural: "events", "calls". */
  noun: string;
  form: ReactNode;
  /** The table, or null when there are no rows. */
  table: ReactNode | null;
}) {
  const { before: _page, ...withoutCursor } = props.filters;
  const refused = Object.keys(props.problems).length > 0;
  const newest = `${props.path}${pageQuery(withoutCursor)}`;
  return (
    <div className="flex flex-col gap-6">
      {refused ? (
        <p role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800 ring-1 ring-red-200">
          These filters cannot be applied: {Object.values(props.problems).join(" ")}
        </p>
      ) : null}
      {props.form}
      {props.table ?? (
        <EmptyState className="text-sm text-slate-600">
          {props.filters.before ? (
            <>
              No older {props.noun} here.{" "}
              <Link href={newest} className="font-medium text-brand-700 underline">
                Back to the newest
              </Link>
            </>
          ) : refused ? (
            `Fix the filters above to see ${props.noun}.`
          ) : (
            `No ${props.noun} match.`
          )}
        </EmptyState>
      )}
      <nav aria-label="Pages" className="flex gap-4 text-sm">
        {props.filters.before ? (
          <Link href={newest} className="text-brand-700 hover:underline">
            ← Newest
          </Link>
        ) : null}
        {props.next ? (
          <Link
            href={`${props.path}${pageQuery(props.filters, { before: props.next })}`}
            className="text-brand-700 hover:underline"
          >
            Older {props.noun} →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
