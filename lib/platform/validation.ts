// Parsing input at the boundary: a zod schema over a FormData or a plain object. Failures become a bad_request
// AppError carrying per-field messages for the form; nothing else is echoed back.
import { z } from "zod";
import { AppError } from "@/lib/platform/errors";

/** A form's fields, without the bookkeeping entries ($ACTION_…) React adds to submitted forms. */
export const submittedValues = (form: FormData) =>
  Object.fromEntries(
    [...form.entries()].filter((e): e is [string, string] => typeof e[1] === "string" && !e[0].startsWith("$ACTION")),
  );

export function parseInput<S extends z.ZodType>(schema: S, input: FormData | unknown): z.infer<S> {
  const parsed = schema.safeParse(input instanceof FormData ? submittedValues(input) : input);
  if (parsed.success) return parsed.data;
  const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
  throw new AppError("bad_request", "Check the highlighted fields.", { fieldErrors });
}

/** A search term as a literal inside Prisma's contains/startsWith (LIKE): `%`, `_` and `\` match only themselves. */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Bound-argument schemas shared by the actions. */
export const arg = {
  slug: z.string().regex(/^[a-z0-9](-?[a-z0-9]){0,39}$/),
  id: z.uuid(),
  flag: z.boolean(),
};

/** A page's GET filter form, parsed with `schema`: the filters, or a sentence per field at fault, and what was typed. */
export function readQueryFilters<S extends z.ZodObject>(schema: S, raw: Record<string, string | string[] | undefined>) {
  const typed = Object.fromEntries(
    Object.keys(schema.shape).flatMap((k) => (typeof raw[k] === "string" ? [[k, raw[k]]] : [])),
  ) as Record<string, string>;
  const parsed = schema.safeParse(typed);
  if (parsed.success) return { filters: parsed.data as z.infer<S>, problems: {} as Record<string, string>, typed };
  const problems: Record<string, string> = Object.fromEntries(
    Object.entries(z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>).map(
      ([field, messages]) => [field, messages?.[0] ?? "Not valid."],
    ),
  );
  return { filters: null, problems, typed };
}
