/** A table's column headings; a column given as `{ hidden: "…" }` is named for screen readers only. */
export function TableHead({ columns, className }: { columns: (string | { hidden: string })[]; className?: string }) {
  return (
    <thead className={`text-left text-xs font-semibold uppercase tracking-wide text-slate-500 ${className ?? ""}`}>
      <tr>
        {columns.map((c) => (
          <th key={typeof c === "string" ? c : c.hidden} scope="col" className="px-3 py-2">
            {typeof c === "string" ? c : <span className="sr-only">{c.hidden}</span>}
          </th>
        ))}
      </tr>
    </thead>
  );
}
