"use client";
import { type ReactNode, useActionState, useState } from "react";
import { FormStatus, inputClass } from "@/components/field";
import type { ActionState } from "@/lib/server/actions";

const TONES = {
  danger: {
    confirm: "bg-red-600 text-white hover:bg-red-700",
    trigger: "text-red-700 ring-red-600 hover:bg-red-50",
    panel: "bg-red-50 ring-red-200 text-red-950",
  },
  primary: {
    confirm: "bg-brand-600 text-white hover:bg-brand-700",
    trigger: "text-slate-800 ring-slate-300 hover:bg-slate-50",
    panel: "bg-slate-50 ring-slate-200 text-slate-900",
  },
};

/**
 * A button that first says exactly what will happen, then acts on a second, explicit confirmation. The result of
 * the action (what was done, step by step) stays on screen. With `typeToConfirm`, the confirmation also asks for that
 * text (a team's slug): the button stays disabled until it matches, and what was typed survives a refusal.
 */
export function ConfirmAction(props: {
  action: (previous: ActionState, form: FormData) => Promise<ActionState>;
  label: string;
  confirmLabel: string;
  pendingLabel: string;
  tone?: keyof typeof TONES;
  typeToConfirm?: string;
  /** False once there is nothing left to do: the button goes, the report of what was done stays. */
  offered?: boolean;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  // The panel closes when the action has answered; its result stays on screen under the button.
  const [state, formAction, pending] = useActionState(async (previous: ActionState, form: FormData) => {
    const next = await props.action(previous, form);
    if (next?.ok) setOpen(false);
    return next;
  }, null);
  const tone = TONES[props.tone ?? "danger"];
  if (!open) {
    return (
      <div className="flex flex-col gap-2">
        {props.offered === false ? null : (
          <button
            type="button"
            onClick={() => setOpen(true)}
            className={`self-start rounded-md bg-white px-4 py-2 text-sm font-semibold ring-1 ${tone.trigger}`}
          >
            {props.label}
          </button>
        )}
        {state ? <FormStatus state={state} /> : null}
      </div>
    );
  }
  return (
    <form
      action={formAction}
      aria-label={props.label}
      className={`flex flex-col gap-3 rounded-lg p-4 ring-1 ${tone.panel}`}
    >
      <div className="text-sm">{props.children}</div>
      {props.typeToConfirm ? (
        <label className="block text-sm font-medium">
          Type <code className="rounded bg-white px-1">{props.typeToConfirm}</code> to confirm
          <input
            name="confirm"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            className={inputClass}
          />
        </label>
      ) : null}
      {state && !state.ok ? <FormStatus state={state} /> : null}
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="submit"
          disabled={pending || (props.typeToConfirm !== undefined && typed.trim() !== props.typeToConfirm)}
          className={`rounded-md px-4 py-2 text-sm font-semibold shadow-sm disabled:cursor-not-allowed disabled:opacity-60 ${tone.confirm}`}
        >
          {pending ? props.pendingLabel : props.confirmLabel}
        </button>
        <button
          type="button"
          onClick={() => setOpen(false)}
          className="rounded-md px-4 py-2 text-sm font-semibold text-slate-700 ring-1 ring-slate-300 hover:bg-white"
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
