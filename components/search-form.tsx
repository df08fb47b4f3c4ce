// A list's search box: a GET form, so the query is in the URL and the page can be shared or reloaded.
export function SearchForm({
  action,
  label,
  value,
  keep = {},
  className = "",
}: {
  action: string;
  label: string;
  value?: string;
  /** Query parameters the search keeps (a filter, a sort). */
  keep?: Record<string, string | undefined>;
  className?: string;
}) {
  return (
    <search className={className}>
      <form className="flex gap-2" action={action}>
        {Object.entries(keep).map(([name, v]) => (v ? <input key={name} type="hidden" name={name} value={v} /> : null))}
        <label htmlFor="q" className="sr-only">
          {label}
        </label>
        <input
          id="q"
          name="q"
          defaultValue={value}
          placeholder={label}
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
  );
}
