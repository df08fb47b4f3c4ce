// The public API's refusals: a stable code, a status and a message for a person; never a stack trace or a token.
import type { BrokerErrorCode } from "./schemas";

export class BrokerError extends Error {
  constructor(
    readonly code: Exclude<BrokerErrorCode, "internal">,
    readonly userMessage: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${code}: ${userMessage}`);
    this.name = "BrokerError";
  }
}

/** One answer for a missing, malformed, unknown, revoked or expired key, so keys cannot be probed. */
export const invalidKey = () =>
  new BrokerError(
    "invalid_key",
    "The API key is missing, malformed, unknown, revoked or expired. Send `Authorization: Bearer atp_…` with a current key.",
  );
