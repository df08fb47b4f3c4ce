import Link from "next/link";
import { TableHead } from "@/components/table-head";
import type { AuditFilters, AuditRow } from "@/lib/audit-trail/read";
import { AuditFilterForm } from "./audit-filters";
import { FilteredPages, type PagedView, pageQuery } from "./filtered-pages";
import { CARD_FRAME } from "./ui";
import { When } from "./when";

const OUTCOME_STYLE: Record<string, string> = {
  success: "bg-emerald-50 text-emerald-800",
  failure: "bg-amber-50 text-amber-900",
  denied: "bg-red-50 text-red-800",
};

/** Filters (a plain GET form), the newest events first, a link to older ones, and the same rows as CSV. */
export function AuditView(props: PagedView<AuditRow, AuditFilters> & { showTeam: boolean }) {
  const { filters, problems, typed } = props;
  const { before: _page, ...withoutCursor } = filters;
  return (
    <FilteredPages
      {...props}
      noun="events"
      form={
        <AuditFilterForm
          path={props.path}
          csvHref={`${props.csvPath}${pageQuery(withoutCursor)}`}
          typed={typed}
          problems={problems}
        />
      }
      table={
        props.rows.length === 0 ? null : (
          <AuditTable
            rows={props.rows}
            showTeam={props.showTeam}
            filterHref={(change) => `${props.path}${pageQuery(withoutCursor, change)}`}
          />
        )
      }
    />
  );
}

function AuditTable({
  rows,
  showTeam,
  filterHref,
}: {
  rows: AuditRow[];
  showTeam: boolean;
  filterHref: (change: Partial<AuditFilters>) => string;
}) {
  return (
    <div className={`overflow-x-auto ${CARD_FRAME}`}>
      <table className="stack-on-phone min-w-full divide-y divide-slate-200 text-sm">
        <TableHead
          className="bg-slate-50"
          columns={["When", ...(showTeam ? ["Team"] : []), "Actor", "Action", "Outcome", "Target", "From", "Details"]}
        />
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <AuditRowView key={r.id} row={r} showTeam={showTeam} filterHref={filterHref} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AuditRowView({
  row: r,
  showTeam,
  filterHref,
}: {
  row: AuditRow;
  showTeam: boolean;
  filterHref: (change: Partial<AuditFilters>) => string;
}) {
  return (
    <tr>
      <td data-label="When" className="whitespace-nowrap px-3 py-2 text-slate-700">
        <When at={r.at} exact />
      </td>
      {showTeam ? (
        <td data-label="Team" className="px-3 py-2 text-slate-700">
          {r.team || "—"}
        </td>
      ) : null}
      <td data-label="Actor" className="px-3 py-2 font-mono text-xs text-slate-800">
        <Link href={filterHref({ actor: r.actor })} className="hover:underline">
          {r.actor}
        </Link>
      </td>
      <td data-label="Action" className="px-3 py-2 font-mono text-xs text-slate-900">
        {r.action}
      </td>
      <td data-label="Outcome" className="px-3 py-2">
        <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${OUTCOME_STYLE[r.outcome] ?? ""}`}>
          {r.outcome}
        </span>
      </td>
      <td data-label="Target" className="max-w-48 break-all px-3 py-2 text-slate-700">
        {r.targetType === "identity" && r.targetId ? (
          <Link
            href={filterHref({ identity: r.targetId })}
            title="Only this identity's events"
            className="hover:underline"
          >
            {r.target}
          </Link>
        ) : (
          r.target || "—"
        )}
      </td>
      <td data-label="From" className="px-3 py-2 text-xs text-slate-600" title={r.userAgent || undefined}>
        {r.ip || "—"}
      </td>
      <td data-label="Details" className="px-3 py-2 text-xs text-slate-700">
        {/* What the CSV has for the row: its details, the target's id and the client's user agent. */}
        <details>
          <summary className="cursor-pointer text-brand-700">Show</summary>
          <dl className="mt-2 grid max-w-md gap-1 break-all">
            <dt className="font-semibold">Details</dt>
            <dd className="font-mono">{r.details}</dd>
            {r.targetId ? (
              <>
                <dt className="font-semibold">{r.targetType ?? "Target"} id</dt>
                <dd className="font-mono">{r.targetId}</dd>
              </>
            ) : null}
            {r.userAgent ? (
              <>
                <dt className="font-semibold">User agent</dt>
                <dd>{r.userAgent}</dd>
              </>
            ) : null}
          </dl>
        </details>
      </td>
    </tr>
  );
}
