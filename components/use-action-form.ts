"use client";
import { useActionState, useEffect, useRef } from "react";
import type { ActionState } from "@/lib/server/actions";

/**
 * Every form's wiring to its server action: the state the action returned, its pending flag, the field errors, and
 * what was typed (handed back on failure, since React resets a form after its action). After a refused submit,
 * focus moves to the first field the server marked invalid, so keyboard and screen-reader users land on the
 * problem instead of at the top of the page. Attach `ref` to the form.
 */
export function useActionForm(action: (previous: ActionState, form: FormData) => Promise<ActionState>) {
  const [state, formAction, pending] = useActionState(action, null);
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!state?.fieldErrors || Object.keys(state.fieldErrors).length === 0) return;
    const first = ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (first?.closest("details")) first.closest("details")?.setAttribute("open", "");
    first?.focus();
  }, [state]);
  return { state, formAction, pending, ref, errors: state?.fieldErrors ?? {}, values: state?.values };
}
