// The public API's refusals: a stable code, a status and a message for a person; never a stack trace or a token.
import { AppError } from "@/lib/platform/errors";
import { BROKER_ERRORS, type BrokerErrorCode } from "./schemas";

/** An AppError in the public API's vocabulary, with the status its row in BROKER_ERRORS gives. */
export class BrokerError extends AppError<Exclude<BrokerErrorCode, "internal">> {
  constructor(code: Exclude<BrokerErrorCode, "internal">, userMessage: string, retryAfterSeconds?: number) {
    super(code, userMessage, { status: BROKER_ERRORS[code].status, retryAfterSeconds });
    this.name = "BrokerError";
  }
}

/** One answer for a missing, malformed, unknown, revoked or expired key, so keys cannot be probed. */
export const invalidKey = () =>
  new BrokerError(
    "invalid_key",
    "The API key is missing, malformed, unknown, revoked or expired. Send `Authorization: Bearer atp_…` with a current key.",
  );
