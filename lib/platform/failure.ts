// The one failure path: any error becomes what its caller may be told. An AppError (and so a BrokerError) says its
// own status, code and safe message; the database being away is an outage to wait out (503 + Retry-After), not the
// portal's fault; anything else is logged (redacted) under a short reference and answered with that reference
// only. Server actions, route handlers and the token broker all answer through here.
import "server-only";
import { randomUUID } from "node:crypto";
import { databaseUnavailable, isDatabaseUnavailable } from "./db/unavailable";
import { isAppError } from "./errors";
import { log } from "./log";

export type Failure = {
  status: number;
  code: string;
  message: string;
  retryAfter?: number;
  fieldErrors?: Record<string, string[] | undefined>;
  /** Set for an unexpected error: the id of its log line. */
  reference?: string;
};

/** Answers that hold a token or a caller's data are never cached, by a browser or a proxy. */
export const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" };

/** `where` names the boundary in the log line of an unexpected error ("server action", "token broker"…). */
export function failureOf(failure: unknown, where: string): Failure {
  const error = isDatabaseUnavailable(failure) ? databaseUnavailable(failure) : failure;
  if (isAppError(error)) {
    return {
      status: error.status,
      code: error.code,
      message: error.userMessage,
      retryAfter: error.retryAfterSeconds,
      fieldErrors: error.fieldErrors,
    };
  }
  const reference = randomUUID().slice(0, 8);
  log.error(`${where} failed`, { reference, error });
  return {
    status: 500,
    code: "internal",
    message: `Something went wrong (reference ${reference}). Try again.`,
    reference,
  };
}

/** A failure as a JSON answer: `{ error, message }` unless `body` shapes it, no-store, and Retry-After when due. */
export function failureResponse(
  failure: Failure,
  headers: Record<string, string> = {},
  body: (f: Failure) => unknown = (f) => ({ error: f.code, message: f.message }),
): Response {
  const all: Record<string, string> = { ...NO_STORE, ...headers };
  if (failure.retryAfter !== undefined) all["Retry-After"] = String(failure.retryAfter);
  return Response.json(body(failure), { status: failure.status, headers: all });
}
