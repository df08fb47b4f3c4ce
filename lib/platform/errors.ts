// Errors that code throws on purpose. `userMessage` is safe to show and `status` is what a boundary answers;
// anything else that escapes is logged (redacted) and shown as a generic message with a reference (failure.ts).
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

type Options = { cause?: unknown; fieldErrors?: Record<string, string[] | undefined>; retryAfterSeconds?: number };

/** `C` is the vocabulary of codes; the public API's BrokerError is an AppError with its own (lib/broker/errors.ts). */
export class AppError<C extends string = AppErrorCode> extends Error {
  constructor(
    readonly code: C,
    readonly userMessage: string,
    options?: Options & { status?: number },
  ) {
    super(`${code}: ${userMessage}`, { cause: options?.cause });
    this.name = "AppError";
    this.status = options?.status ?? STATUS[code as unknown as AppErrorCode] ?? 500;
    this.fieldErrors = options?.fieldErrors;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  readonly status: number;
  readonly fieldErrors?: Record<string, string[] | undefined>;
  /** For rate_limited, provider_unavailable and service_unavailable: when trying again makes sense. */
  readonly retryAfterSeconds?: number;
}

export const isAppError = (error: unknown): error is AppError<string> => error instanceof AppError;
