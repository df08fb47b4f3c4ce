// Server actions, one shape for all: every argument (bound and form) parsed with zod → the session checked →
// one domain call with the caller as an Actor → revalidate or redirect. What comes back to the form is a safe
// message, never an exception's text.
import "server-only";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { recordRefusal } from "@/lib/audit/refusals";
import type { AuditAction } from "@/lib/audit/vocabulary";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import { failureOf } from "@/lib/platform/failure";
import { takeFromWindow } from "@/lib/platform/rate-limit";
import { type RequestContext, requestContextOf } from "@/lib/platform/request-context";
import { withRequestId } from "@/lib/platform/request-id";
import { parseInput, submittedValues } from "@/lib/platform/validation";
import { requireUserForAction } from "@/lib/server/auth/dal";
import { CROSS_SITE_MESSAGE, isSameOriginRequest } from "@/lib/server/auth/same-origin";
import { type Actor, actorOf } from "@/lib/teams/access";

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
    const failure = failureOf(error, "server action");
    return { ok: false, message: failure.message, fieldErrors: failure.fieldErrors };
  }
}

const withoutSecrets = (values: Record<string, string>, secret: readonly string[]) =>
  Object.fromEntries(Object.entries(values).filter(([name]) => !secret.includes(name)));

type Schemas = readonly z.ZodType[];
type Parsed<A extends Schemas> = { [K in keyof A]: z.infer<A[K]> };

const ACTIONS_PER_MINUTE = 600;
const REFUSALS = new Set(["unauthenticated", "forbidden", "not_found", "bad_request", "rate_limited"]);

function parseArgs<A extends Schemas>(schemas: A, raw: unknown[]): Parsed<A> {
  const parsed = z.tuple(schemas as unknown as [z.ZodType, ...z.ZodType[]]).safeParse(raw.slice(0, schemas.length));
  if (!parsed.success) throw new AppError("bad_request", "This request is not valid. Reload the page and try again.");
  return parsed.data as Parsed<A>;
}

/** A refusal leaves a trace (the first per caller and action each minute); a form's typo does not. */
async function traceRefusal(name: AuditAction, error: unknown, actor: Actor | undefined, context: RequestContext) {
  if (!(error instanceof AppError) || !REFUSALS.has(error.code) || error.fieldErrors) return;
  await recordRefusal(actor?.userId ?? context.ip ?? "unknown", {
    action: name,
    outcome: "denied",
    ...(actor ? { actor } : { ip: context.ip, userAgent: context.userAgent }),
    details: { reason: error.code },
  });
}

/**
 * Builds a server action. `args` parse the bound arguments (`action.bind(null, slug, id)`), `form` the submitted
 * fields; a value of the wrong type, shape or format is refused before anything else runs. `revalidate` names the
 * paths whose cached pages the action changes; `name` files the action's refusals in the audit trail. Each user
 * gets ACTIONS_PER_MINUTE calls a minute, counted in Postgres across instances. `secret` names form fields that are
 * never handed back after a refusal (a private key, a passphrase): they would otherwise travel back in the RSC payload.
 */
export function defineAction<const A extends Schemas, F extends z.ZodType | undefined = undefined>(
  spec: {
    name: AuditAction;
    args: A;
    form?: F;
    secret?: readonly string[];
    revalidate?: (...args: Parsed<A>) => string[];
  },
  run: (actor: Actor, args: Parsed<A>, form: F extends z.ZodType ? z.infer<F> : undefined) => Promise<Outcome>,
) {
  return async (...raw: unknown[]): Promise<ActionState> => {
    const requestHeaders = await headers();
    return withRequestId(requestHeaders, () => perform(raw, requestHeaders));
  };

  async function perform(raw: unknown[], requestHeaders: Headers): Promise<ActionState> {
    const formData = raw[spec.args.length + 1];
    const context = requestContextOf(requestHeaders);
    let actor: Actor | undefined;
    let redirectTo: string | undefined;
    let data: Record<string, unknown> | undefined;
    const state = await runAction(async () => {
      try {
        if (!isSameOriginRequest(requestHeaders, env().NEXTAUTH_URL))
          throw new AppError("forbidden", CROSS_SITE_MESSAGE);
        const args = parseArgs(spec.args, raw);
        const form = spec.form
          ? parseInput(spec.form, formData instanceof FormData ? formData : new FormData())
          : undefined;
        actor = actorOf(await requireUserForAction(), context);
        const rate = await takeFromWindow(`actions:${actor.userId}`, ACTIONS_PER_MINUTE);
        if (!rate.allowed) throw new AppError("rate_limited", `Too many requests; wait ${rate.retryAfterSeconds} s.`);
        const outcome = await run(actor, args, form as F extends z.ZodType ? z.infer<F> : undefined);
        for (const path of spec.revalidate?.(...args) ?? []) revalidatePath(path);
        if (typeof outcome === "string") return outcome;
        redirectTo = outcome.redirectTo;
        data = outcome.data;
        return outcome.message;
      } catch (error) {
        await traceRefusal(spec.name, error, actor, context);
        throw error;
      }
    });
    if (redirectTo) redirect(redirectTo);
    if (state?.ok) return data ? { ...state, data } : state;
    return spec.form && formData instanceof FormData
      ? { ...state, ok: false, values: withoutSecrets(submittedValues(formData), spec.secret ?? []) }
      : state;
  }
}
