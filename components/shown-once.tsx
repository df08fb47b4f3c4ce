import type { ReactNode } from "react";
import { CopyButton } from "./copy-button";

/** A secret the portal shows this one time (a new API key, a webhook's signing secret), with a copy button. */
export function ShownOnce(props: {
  label: string;
  value: string;
  copyLabel: string;
  note: string;
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-3 rounded-lg bg-emerald-50 p-4 ring-1 ring-emerald-300">
      <p className="text-sm font-semibold text-emerald-950">{props.note}</p>
      <div className="flex flex-wrap items-center gap-3">
        <output aria-label={props.label} className="break-all rounded bg-white px-3 py-2 font-mono text-sm">
          {props.value}
        </output>
        <CopyButton value={props.value} label={props.copyLabel} />
      </div>
      {props.children}
    </div>
  );
}
