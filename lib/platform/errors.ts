// Errors that domain code throws on purpose. `userMessage` is safe to show; anything else that escapes is logged
// (redacted) and shown as a generic message.
export type AppErrorCode =
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "bad_request"
  | "rate_limited"
  | "provider_unavailable"
  | "service_unavailable"
  | "reauthenticate";

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    readonly userMessage: string,
    options?: { cause?: unknown; fieldErrors?: Record<string, string[] | undefined>; retryAfterSeconds?: number },
  ) {
    super(`${code}: ${userMessage}`, { cause: options?.cause });
    this.name = "AppError";
    this.fieldErrors = options?.fieldErrors;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  readonly fieldErrors?: Record<string, string[] | undefined>;
  /** For rate_limited, provider_unavailable and service_unavailable: when trying again makes sense. */
  readonly retryAfterSeconds?: number;
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
