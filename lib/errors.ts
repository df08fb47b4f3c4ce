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
  | "reauthenticate";

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    readonly userMessage: string,
    options?: { cause?: unknown; fieldErrors?: Record<string, string[] | undefined> },
  ) {
    super(`${code}: ${userMessage}`, { cause: options?.cause });
    this.name = "AppError";
    this.fieldErrors = options?.fieldErrors;
  }

  readonly fieldErrors?: Record<string, string[] | undefined>;
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
