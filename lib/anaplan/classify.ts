import { AnaplanError, type AnaplanErrorKind } from "./errors";

// The OAuth `error` code decides first (RFC 6749 §5.2, RFC 8628 §3.5); the HTTP status only when the code is
// missing or unknown, because Anaplan's statuses for these errors are undocumented.
const KIND_BY_OAUTH_ERROR = new Map<string, AnaplanErrorKind>([
  ["authorization_pending", "pending"],
  ["slow_down", "slow_down"],
  ["expired_token", "expired"],
  ["access_denied", "denied"],
  ["invalid_grant", "invalid_grant"],
  ["invalid_client", "invalid_client"],
  ["unauthorized_client", "invalid_client"],
  ["invalid_request", "invalid_request"],
  ["temporarily_unavailable", "unavailable"],
  ["server_error", "unavailable"],
]);

const OAUTH_ERROR = /^[a-z_]{1,64}$/;
const MAX_RETRY_AFTER_SECONDS = 86_400;
const MAX_DESCRIPTION_LENGTH = 200;
const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
// Long opaque runs look like tokens or codes; a server that echoes one in its description must not leak it.
const OPAQUE_RUN = /[A-Za-z0-9._~+/=-]{24,}/g;
const UNSAFE_CHARS = /[^\x20-\x7E]|[<>&"'`\\]/g;

export type Failure = {
  status: number;
  headers: Headers;
  json: unknown;
  /**
   * Refresh-token grant. A 401/403 without an OAuth error body (an HTML outage page, an empty answer) is not
   * Anaplan refusing the token, whatever Anaplan Connect assumes: it is treated as transient, or an outage page
   * would strand every working identity.
   */
  refresh: boolean;
  /** `/token/authenticate`: a `FAILURE_…` answer is the auth service refusing the credential. */
  authenticate?: boolean;
  /** Secrets this request sent; removed from the description in case the server echoes them. */
  sentValues: string[];
};

export function failure({ status, headers, json, refresh, authenticate, sentValues }: Failure): AnaplanError {
  const body = isRecord(json) ? json : {};
  const oauthError = typeof body.error === "string" && OAUTH_ERROR.test(body.error) ? body.error : undefined;
  const kind =
    (oauthError && KIND_BY_OAUTH_ERROR.get(oauthError)) ||
    (authenticate ? authServiceRefusal(status, body) : undefined) ||
    kindForStatus(status, refresh);
  return new AnaplanError(kind, {
    status,
    oauthError,
    retryAfterSeconds: parseRetryAfter(headers.get("retry-after")),
    description: sanitiseDescription(body.error_description, sentValues),
  });
}

/**
 * The auth service's `/token/authenticate` answers a credential it will not take with 401/403 and `{status: "FAILURE_…"}`: a
 * refusal no retry changes. A 401 without that shape (a proxy's page) stays transient or unauthorized.
 */
function authServiceRefusal(status: number, body: Record<string, unknown>): AnaplanErrorKind | undefined {
  const word = typeof body.status === "string" ? body.status : "";
  return (status === 401 || status === 403) && /^FAILURE_[A-Z_]{1,60}$/.test(word) ? "refused" : undefined;
}

/** A refresh failure that no retry will fix: the grant needs a new enrolment or sign-in. */
const FINAL_REFRESH: ReadonlySet<AnaplanErrorKind> = new Set([
  "refused",
  "invalid_grant",
  "invalid_client",
  "invalid_request",
  "denied",
  "expired",
]);

export const isFinalRefreshFailure = (error: AnaplanError) => FINAL_REFRESH.has(error.kind);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindForStatus(status: number, refresh: boolean): AnaplanErrorKind {
  if (status === 429) return "rate_limited";
  if (status >= 500) return "unavailable";
  if (status === 401 || status === 403) return refresh ? "unavailable" : "unauthorized";
  return "protocol";
}

/** Seconds or an IMF-fixdate (RFC 9110 §10.2.3), clamped to a day; anything else is ignored. */
function parseRetryAfter(value: string | null): number | undefined {
  const text = value?.trim() ?? "";
  let seconds: number;
  if (/^\d{1,10}$/.test(text)) seconds = Number(text);
  else if (IMF_FIXDATE.test(text)) seconds = Math.ceil((Date.parse(text) - Date.now()) / 1000);
  else return undefined;
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_SECONDS) : undefined;
}

function sanitiseDescription(value: unknown, sentValues: string[]): string | undefined {
  if (typeof value !== "string") return undefined;
  let text = value;
  for (const sent of sentValues) if (sent) text = text.replaceAll(sent, " ");
  text = text.replace(OPAQUE_RUN, "[redacted]").replace(UNSAFE_CHARS, " ").replace(/ +/g, " ").trim();
  return text ? text.slice(0, MAX_DESCRIPTION_LENGTH) : undefined;
}
