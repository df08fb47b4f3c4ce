// The audit trail's filters: a plain GET form, so a filtered view is a link. A refused value is shown back as typed
// with its sentence beside the field.
import Link from "next/link";
import type { ReactNode } from "react";
import { inputClass } from "@/components/field";
import { OUTCOMES } from "@/lib/audit/vocabulary";
import { CARD_FRAME, primaryButton } from "./ui";

type Problems = Record<string, string>;

export function Filter(props: {
  name: string;
  label: string;
  type?: "text" | "date";
  typed: Record<string, string>;
  problems: Problems;
}) {
  const problem = props.problems[props.name];
  return (
    <label className="text-sm font-medium text-slate-900">
      {props.label}
      <input
        type={props.type ?? "text"}
        name={props.name}
        defaultValue={props.typed[props.name] ?? ""}
        className={inputClass}
        {...(problem ? { "aria-invalid": true, "aria-describedby": `${props.name}-problem` } : {})}
      />
      {problem ? (
        <span id={`${props.name}-problem`} className="mt-1 block text-xs font-normal text-red-700">
          {problem}
        </span>
      ) : null}
    </label>
  );
}

export function AuditFilterForm({
  path,
  csvHref,
  typed,
  problems,
}: {
  path: string;
  csvHref: string;
  typed: Record<string, string>;
  problems: Problems;
}) {
  const field = { typed, problems };
  return (
    <FilterForm path={path} csvHref={csvHref}>
      <Filter name="actor" label="Actor (email or key prefix)" {...field} />
      <Filter name="action" label="Action (e.g. token.issue, or token for all)" {...field} />
      <label className="text-sm font-medium text-slate-900">
        Outcome
        <select
          name="outcome"
          defaultValue={typed.outcome ?? ""}
          className={inputClass}
          {...(problems.outcome ? { "aria-invalid": true } : {})}
        >
          <option value="">any</option>
          {OUTCOMES.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      </label>
      <Filter name="identity" label="Identity (name or id)" {...field} />
      <Filter name="from" label="From (UTC day)" type="date" {...field} />
      <Filter name="to" label="To (UTC day, inclusive)" type="date" {...field} />
    </FilterForm>
  );
}

/** A list's filters as a plain GET form (a filtered view is a link): its fields, Apply, Clear and the CSV export. */
export function FilterForm({ path, csvHref, children }: { path: string; csvHref: string; children: ReactNode }) {
  return (
    <form method="get" action={path} className={`grid gap-3 p-4 sm:grid-cols-3 ${CARD_FRAME}`}>
      {children}
      <div className="flex flex-wrap items-center gap-3 sm:col-span-3">
        <button type="submit" className={primaryButton}>
          Apply filters
        </button>
        <Link href={path} className="text-sm text-slate-700 hover:underline">
          Clear
        </Link>
        <a href={csvHref} className="ml-auto text-sm font-semibold text-brand-700 underline">
          Export CSV
        </a>
      </div>
    </form>
  );
}
