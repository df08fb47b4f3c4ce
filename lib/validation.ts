// Parsing input at the boundary: a zod schema over a FormData or a plain object. Failures become a bad_request
// AppError carrying per-field messages for the form; nothing else is echoed back.
import { z } from "zod";
import { submittedValues } from "@/lib/actions";
import { AppError } from "@/lib/errors";

export function parseInput<S extends z.ZodType>(schema: S, input: FormData | unknown): z.infer<S> {
  const parsed = schema.safeParse(input instanceof FormData ? submittedValues(input) : input);
  if (parsed.success) return parsed.data;
  const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
  throw new AppError("bad_request", "Check the highlighted fields.", { fieldErrors });
}
