"use client";
import { useState } from "react";
import { CopyButton } from "@/components/copy-button";
import type { Snippet } from "@/lib/broker/snippets";

/** Copy-paste examples, one language at a time. */
export function Snippets({ snippets, title = "Use it from a script" }: { snippets: Snippet[]; title?: string }) {
  const [selected, setSelected] = useState(snippets[0]?.id);
  const current = snippets.find((s) => s.id === selected) ?? snippets[0];
  if (!current) return null;
  return (
    <section aria-label={title} className="flex flex-col gap-2">
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      <div role="tablist" aria-label="Language" className="flex flex-wrap gap-2">
        {snippets.map((s) => (
          <button
            key={s.id}
            type="button"
            role="tab"
            aria-selected={s.id === current.id}
            onClick={() => setSelected(s.id)}
            className={`rounded-full px-3 py-1 text-xs font-medium ring-1 ${
              s.id === current.id ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-700 ring-slate-300"
            }`}
          >
            {s.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={`${current.label} example`} className="flex flex-col gap-2">
        <pre
          data-snippet={current.id}
          className="max-h-96 overflow-auto rounded-md bg-slate-900 p-4 text-xs leading-relaxed text-slate-100"
        >
          <code>{current.code}</code>
        </pre>
        <div className="self-end">
          <CopyButton value={current.code} label={`Copy ${current.label} example`} />
        </div>
      </div>
    </section>
  );
}
