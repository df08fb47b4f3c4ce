// Server actions, one shape for all: every argument (bound and form) parsed with zod → the session checked →
// one domain call with the caller as an Actor → revalidate or redirect. What comes back to the form is a safe
// message, never an exception's text.
import "server-only";
import { randomUUID } from "node:crypto";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireUserForAction } from "@/lib/auth/dal";
import { AppError, isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { requestContextOf } from "@/lib/request-context";
import { type Actor, actorOf } from "@/lib/teams/access";
import { parseInput, submittedValues } from "@/lib/validation";

export type ActionState = {
  ok: boolean;
  message: string;
  fieldErrors?: Record<string, string[] | undefined>;
  /** What the user typed, handed back on failure: React resets a form after its action, and input must not be lost. */
  values?: Record<string, string>;
  /** A result the page shows once (e.g. a new API key); never stored anywhere by the portal. */
  data?: Record<string, unknown>;
} | null;

/** What a domain call hands back to its form: a message, and optionally where to go or what to show once. */
export type Outcome = string | { message: string; redirectTo?: string; data?: Record<string, unknown> };

export async function runAction(work: () => Promise<string>): Promise<NonNullable<ActionState>> {
  try {
    return { ok: true, message: await work() };
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: error.userMessage, fieldErrors: error.fieldErrors };
    const reference = randomUUID().slice(0, 8);
    log.error("server action failed", { reference, error });
    return { ok: false, message: `Something went wrong (reference ${reference}). Try again.` };
  }
}

type Schemas = readonly z.ZodType[];
type Parsed<A extends Schemas> = { [K in keyof A]: z.infer<A[K]> };

/**
 * Builds a server action. `args` parse the bound arguments (`action.bind(null, slug, id)`), `form` the submitted
 * fields; a value of the wrong type, shape or format is refused before anything else runs. `revalidate` names the
 * paths whose cached pages the action changes.
 */
export function defineAction<const A extends Schemas, F extends z.ZodType | undefined = undefined>(
  spec: { args: A; form?: F; revalidate?: (...args: Parsed<A>) => string[] },
  run: (actor: Actor, args: Parsed<A>, form: F extends z.ZodType ? z.infer<F> : undefined) => Promise<Outcome>,
) {
  return async (...raw: unknown[]): Promise<ActionState> => {
    const formData = raw[spec.args.length + 1];
    let redirectTo: string | undefined;
    let data: Record<string, unknown> | undefined;
    const state = await runAction(async () => {
      const parsed = z
        .tuple(spec.args as unknown as [z.ZodType, ...z.ZodType[]])
        .safeParse(raw.slice(0, spec.args.length));
      if (!parsed.success)
        throw new AppError("bad_request", "This request is not valid. Reload the page and try again.");
      const args = parsed.data as Parsed<A>;
      const form = spec.form
        ? parseInput(spec.form, formData instanceof FormData ? formData : new FormData())
        : undefined;
      const session = await requireUserForAction();
      const actor = actorOf(session, requestContextOf(await headers()));
      const outcome = await run(actor, args, form as F extends z.ZodType ? z.infer<F> : undefined);
      for (const path of spec.revalidate?.(...args) ?? []) revalidatePath(path);
      if (typeof outcome === "string") return outcome;
      redirectTo = outcome.redirectTo;
      data = outcome.data;
      return outcome.message;
    });
    if (redirectTo) redirect(redirectTo);
    if (state?.ok) return data ? { ...state, data } : state;
    return spec.form && formData instanceof FormData
      ? { ...state, ok: false, values: submittedValues(formData) }
      : state;
  };
}

/** Bound-argument schemas shared by the actions. */
export const arg = {
  slug: z.string().regex(/^[a-z0-9](-?[a-z0-9]){0,39}$/),
  id: z.uuid(),
  flag: z.boolean(),
};
