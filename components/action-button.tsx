"use client";
import { useActionState } from "react";
import { SubmitRow } from "@/components/field";
import type { ActionState } from "@/lib/server/actions";

/** A one-button form around a server action, with its pending state and its result announced. */
export function ActionButton(props: {
  action: (previous: ActionState) => Promise<ActionState>;
  label: string;
  pendingLabel: string;
  tone?: "primary" | "secondary" | "danger";
}) {
  const [state, formAction, pending] = useActionState(props.action, null);
  return (
    <form action={formAction}>
      <SubmitRow
        pending={pending}
        label={props.label}
        pendingLabel={props.pendingLabel}
        state={state}
        tone={props.tone}
      />
    </form>
  );
}
