// What every server action returns to its form: a safe message, never an exception's text.
import "server-only";
import { randomUUID } from "node:crypto";
import { isAppError } from "@/lib/errors";
import { log } from "@/lib/log";

export type ActionState = {
  ok: boolean;
  message: string;
  fieldErrors?: Record<string, string[] | undefined>;
  /** What the user typed, handed back on failure: React resets a form after its action, and input must not be lost. */
  values?: Record<string, string>;
} | null;

/** A form's fields, without the bookkeeping entries ($ACTION_…) React adds to submitted forms. */
export const submittedValues = (form: FormData) =>
  Object.fromEntries(
    [...form.entries()].filter((e): e is [string, string] => typeof e[1] === "string" && !e[0].startsWith("$ACTION")),
  );

export async function runAction(work: () => Promise<string>): Promise<ActionState> {
  try {
    return { ok: true, message: await work() };
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: error.userMessage, fieldErrors: error.fieldErrors };
    const reference = randomUUID().slice(0, 8);
    log.error("server action failed", { reference, error });
    return { ok: false, message: `Something went wrong (reference ${reference}). Try again.` };
  }
}
