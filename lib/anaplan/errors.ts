// Every failure of an Anaplan call is an AnaplanError. Its message is built only from fixed strings, the HTTP
// status and a sanitised OAuth error code, so it can be logged and shown as is: no token, device code, secret or
// response body can reach it.
export type AnaplanErrorKind =
  | "pending"
  | "slow_down"
  | "expired"
  | "denied"
  | "invalid_grant"
  | "invalid_client"
  | "invalid_request"
  | "unauthorized"
  | "refused"
  | "rate_limited"
  | "unavailable"
  | "protocol";

const summaries: Record<AnaplanErrorKind, string> = {
  pending: "authorization is still pending",
  slow_down: "polling too fast, slow down",
  expired: "the device code has expired",
  denied: "the user denied the request",
  invalid_grant: "the grant is invalid, expired or revoked",
  invalid_client: "the OAuth client is unknown or not allowed",
  invalid_request: "the request was refused as invalid",
  unauthorized: "the access token was rejected",
  refused: "the auth service refused the credential",
  rate_limited: "rate limited",
  unavailable: "Anaplan is unavailable",
  protocol: "unexpected response",
};

export type AnaplanErrorDetails = {
  status?: number;
  retryAfterSeconds?: number;
  oauthError?: string;
  /** Sanitised, length-capped `error_description`; kept out of `message` on purpose. */
  description?: string;
  /** A fixed string chosen by this module (never data from the response). */
  reason?: string;
};

export class AnaplanError extends Error {
  readonly kind: AnaplanErrorKind;
  /** Absent when no complete response arrived: the request may or may not have been processed. */
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly oauthError?: string;
  readonly description?: string;

  constructor(kind: AnaplanErrorKind, details: AnaplanErrorDetails = {}) {
    const { status, oauthError, reason } = details;
    const context = [status === undefined ? "" : `HTTP ${status}`, oauthError ? `error=${oauthError}` : ""]
      .filter(Boolean)
      .join(", ");
    super(`Anaplan: ${summaries[kind]}${reason ? ` (${reason})` : ""}${context ? ` [${context}]` : ""}`);
    this.name = "AnaplanError";
    this.kind = kind;
    this.status = status;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.oauthError = oauthError;
    this.description = details.description;
  }
}
