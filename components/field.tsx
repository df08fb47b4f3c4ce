import type { ReactNode } from "react";

export const inputClass =
  "mt-1 block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-brand-600 aria-[invalid=true]:ring-red-500";

type Control = { id: string; name: string; "aria-invalid": boolean; "aria-describedby"?: string };

/** A labelled form control with its hint and its errors wired up for assistive technology. */
export function Field(props: {
  name: string;
  /** When two forms of one page have a field of the same name; the name otherwise. */
  id?: string;
  label: string;
  hint?: string;
  errors?: string[];
  children: (control: Control) => ReactNode;
}) {
  const id = props.id ?? props.name;
  const described = [props.hint ? `${id}-hint` : "", props.errors?.length ? `${id}-error` : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-900">
        {props.label}
      </label>
      {props.children({
        id,
        name: props.name,
        "aria-invalid": Boolean(props.errors?.length),
        "aria-describedby": described || undefined,
      })}
      {props.hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {props.hint}
        </p>
      ) : null}
      {props.errors?.length ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {props.errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

export function FormStatus({ state }: { state: { ok: boolean; message: string } | null }) {
  return (
    <p
      role="status"
      aria-live="polite"
      className={`text-sm ${state?.ok === false ? "text-red-700" : "text-slate-600"}`}
    >
      {state?.message}
    </p>
  );
}

const TONES = {
  primary: "bg-brand-600 text-white hover:bg-brand-700",
  secondary: "bg-white text-brand-700 ring-1 ring-brand-600 hover:bg-brand-50",
  danger: "bg-white text-red-700 ring-1 ring-red-600 hover:bg-red-50",
};

/** The submit button (disabled while the action runs) and the action's result, announced. */
export function SubmitRow(props: {
  pending: boolean;
  label: string;
  pendingLabel: string;
  state: { ok: boolean; message: string } | null;
  tone?: keyof typeof TONES;
}) {
  const tone = TONES[props.tone ?? "primary"];
  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="submit"
        disabled={props.pending}
        className={`rounded-md px-4 py-2 text-sm font-semibold shadow-sm disabled:opacity-60 ${tone}`}
      >
        {props.pending ? props.pendingLabel : props.label}
      </button>
      <FormStatus state={props.state} />
    </div>
  );
}
