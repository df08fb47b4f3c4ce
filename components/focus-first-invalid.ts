import { useEffect, useRef } from "react";

/**
 * After a refused submit, focus moves to the first field the server marked invalid, so keyboard and screen-reader
 * users land on the problem instead of at the top of the page. Attach the returned ref to the form.
 */
export function useFocusFirstInvalid(state: { fieldErrors?: Record<string, unknown> } | null) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!state?.fieldErrors || Object.keys(state.fieldErrors).length === 0) return;
    const first = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (first?.closest("details")) first.closest("details")?.setAttribute("open", "");
    first?.focus();
  }, [state]);
  return form;
}
