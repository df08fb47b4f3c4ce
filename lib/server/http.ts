// Route handlers answer domain errors with their safe message and a fitting status; anything unexpected is
// logged (redacted) and answered with a reference, never with its text.
import "server-only";
import { randomUUID } from "node:crypto";
import { databaseUnavailable, isDatabaseUnavailable } from "@/lib/platform/db/unavailable";
import { type AppErrorCode, isAppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";

const STATUS: Record<AppErrorCode, number> = {
  unauthenticated: 401,
  reauthenticate: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  bad_request: 400,
  rate_limited: 429,
  provider_unavailable: 503,
  service_unavailable: 503,
};

export const NO_STORE = { "Cache-Control": "no-store" };

export function errorResponse(failure: unknown): Response {
  const error = isDatabaseUnavailable(failure) ? databaseUnavailable(failure) : failure;
  if (isAppError(error)) {
    const headers: Record<string, string> = { ...NO_STORE };
    if (error.retryAfterSeconds !== undefined) headers["Retry-After"] = String(error.retryAfterSeconds);
    return Response.json({ error: error.code, message: error.userMessage }, { status: STATUS[error.code], headers });
  }
  const reference = randomUUID().slice(0, 8);
  log.error("route handler failed", { reference, error });
  return Response.json(
    { error: "internal", message: `Something went wrong (reference ${reference}).` },
    { status: 500, headers: NO_STORE },
  );
}
