// An identity's gateway calls: filters (a plain GET form, so a filtered view is a link), the newest calls first
// with what each touched and how it ended, links to older pages, and the same rows as CSV.
import { inputClass } from "@/components/field";
import { TableHead } from "@/components/table-head";
import { type ActivityFilters, type ActivityRow, OUTCOMES } from "@/lib/gateway/activity";
import { Filter, FilterForm } from "./audit-filters";
import { FilteredPages, type PagedView, pageQuery } from "./filtered-pages";
import { CARD_FRAME } from "./ui";
import { When } from "./when";

/** A model's calls are shown from the model on (the Model column names it); the title keeps the whole path. */
const IN_MODEL = "2/0/workspaces/{workspaceId}/models/{modelId}/";

/** A path that may wrap after each slash (a zero-width space), and nowhere else. */
const breakable = (path: string) => path.replaceAll("/", "/\u200b");

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1024 ** 2).toFixed(1)} MB`;

function Select(props: { name: string; label: string; options: readonly string[]; typed: Record<string, string> }) {
  return (
    <label className="text-sm font-medium text-slate-900">
      {props.label}
      <select name={props.name} defaultValue={props.typed[props.name] ?? ""} className={inputClass}>
        <option value="">any</option>
        {props.options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}

export function ActivityView(props: PagedView<ActivityRow, ActivityFilters>) {
  const { filters, problems, typed } = props;
  const { before: _page, ...withoutCursor } = filters;
  const field = { typed, problems };
  const form = (
    <FilterForm path={props.path} csvHref={`${props.csvPath}${pageQuery(withoutCursor)}`}>
      <Select name="method" label="Method" options={METHODS} typed={typed} />
      <Select name="outcome" label="Outcome (refused: by the portal)" options={OUTCOMES} typed={typed} />
      <Filter name="model" label="Model id" {...field} />
      <Filter name="object" label="Import, export, process, action or file id" {...field} />
      <Filter name="from" label="From (UTC day)" type="date" {...field} />
      <Filter name="to" label="To (UTC day, inclusive)" type="date" {...field} />
    </FilterForm>
  );
  return (
    <FilteredPages
      {...props}
      noun="calls"
      form={form}
      table={props.rows.length === 0 ? null : <ActivityTable rows={props.rows} />}
    />
  );
}

function ActivityTable({ rows }: { rows: ActivityRow[] }) {
  return (
    <div className={`overflow-x-auto ${CARD_FRAME}`}>
      <table className="stack-on-phone min-w-full divide-y divide-slate-200 text-sm">
        <TableHead
          className="bg-slate-50"
          columns={["When", "Call", "Model", "Object", "Answer", "In / out", "Took", "Key", "From"]}
        />
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.id} className="align-top">
              <td data-label="When" className="whitespace-nowrap px-3 py-2 text-slate-700">
                <When at={r.at} exact />
              </td>
              <td data-label="Call" className="min-w-64 px-3 py-2">
                <span className="font-semibold text-slate-900">{r.method}</span>{" "}
                <code title={r.path} className="text-xs text-slate-700">
                  {breakable(r.path.startsWith(IN_MODEL) ? `…/${r.path.slice(IN_MODEL.length)}` : r.path)}
                </code>
              </td>
              <td
                data-label="Model"
                title={r.model ?? undefined}
                className="px-3 py-2 font-mono text-xs text-slate-700"
              >
                {r.model ? `${r.model.slice(0, 8)}…` : "—"}
              </td>
              <td data-label="Object" className="px-3 py-2 font-mono text-xs text-slate-700">
                {r.object ?? "—"}
              </td>
              <td data-label="Answer" className="px-3 py-2">
                <span
                  className={`rounded-full px-2 py-0.5 text-xs font-semibold ${
                    r.error
                      ? "bg-red-50 text-red-800"
                      : r.status < 400
                        ? "bg-emerald-50 text-emerald-800"
                        : "bg-amber-50 text-amber-900"
                  }`}
                >
                  {r.status}
                  {r.error ? ` ${r.error}` : ""}
                </span>
              </td>
              <td data-label="In / out" className="whitespace-nowrap px-3 py-2 text-slate-700">
                {size(r.bytesIn)} / {size(r.bytesOut)}
              </td>
              <td data-label="Took" className="whitespace-nowrap px-3 py-2 text-slate-700">
                {r.durationMs} ms
              </td>
              <td data-label="Key" className="px-3 py-2 text-slate-700">
                {r.key ?? "—"}
              </td>
              <td data-label="From" className="px-3 py-2 font-mono text-xs text-slate-700">
                {r.clientIp ?? "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
