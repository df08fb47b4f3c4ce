// The public API's shapes, as zod schemas: the handlers parse and build with them, and the OpenAPI document is
// generated from them, so the two cannot drift apart.
import { z } from "zod";
import { IDENTITY_STATES } from "@/lib/identities/schemas";

/**
 * Every error the public API answers: its status, whether it carries Retry-After, and what it means to a script's
 * author. The handlers, the OpenAPI document and the README's table all read this; a new code is one row here.
 */
export const BROKER_ERRORS = {
  invalid_request: {
    status: 400,
    retryAfter: false,
    means: "the body is not valid, or credentials were put in the URL",
  },
  invalid_key: {
    status: 401,
    retryAfter: false,
    means: "the key is missing, malformed, unknown, revoked or expired (one answer for all)",
  },
  invalid_token: {
    status: 401,
    retryAfter: false,
    means:
      "a token exchange's subject token is not one a trusted workload of the identity may present (one answer for every check)",
  },
  identity_deactivated: { status: 403, retryAfter: false, means: "a team admin paused the identity" },
  key_restricted: {
    status: 403,
    retryAfter: false,
    means: "the key has a gateway policy: it may call Anaplan only through /api/v1/anaplan/…, never hold a token",
  },
  outside_policy: {
    status: 403,
    retryAfter: false,
    means: "a gateway call the key's policy does not allow (the answer's `rule` says which); Anaplan was not called",
  },
  needs_reenrolment: {
    status: 409,
    retryAfter: false,
    means: "Anaplan no longer accepts the identity's authorisation, or it was revoked or never enrolled",
  },
  request_too_large: { status: 413, retryAfter: false, means: "the body is over 16 KB (refused before it is read)" },
  rate_limited: { status: 429, retryAfter: true, means: "too many requests for this key this minute" },
  provider_unavailable: { status: 503, retryAfter: true, means: "Anaplan did not answer" },
  service_unavailable: {
    status: 503,
    retryAfter: true,
    means: "the portal's database is restarting or failing over; nothing was lost",
  },
  internal: {
    status: 500,
    retryAfter: false,
    means: "a fault in the portal; the message carries a reference for its logs",
  },
} as const satisfies Record<string, { status: number; retryAfter: boolean; means: string }>;

/** What each operation can answer besides success: its route's checks, in the order they run. */
export const OPERATION_ERRORS = {
  getToken: [
    "invalid_request",
    "request_too_large",
    "invalid_key",
    "invalid_token",
    "rate_limited",
    "key_restricted",
    "identity_deactivated",
    "needs_reenrolment",
    "provider_unavailable",
    "service_unavailable",
    "internal",
  ],
  getIdentity: ["invalid_request", "invalid_key", "rate_limited", "service_unavailable", "internal"],
} as const satisfies Record<string, readonly (keyof typeof BROKER_ERRORS)[]>;

export type BrokerErrorCode = keyof typeof BROKER_ERRORS;

export const tokenRequest = z
  .object({
    min_valid_seconds: z
      .number()
      .int()
      .min(0)
      .max(1800)
      .optional()
      .describe("Refresh first unless the token served stays valid at least this long (seconds)."),
    rejected_token: z
      .string()
      .regex(/^[!-~]{1,12000}$/, "An access token: up to 12,000 printable ASCII characters.")
      .optional()
      .describe(
        "The access token Anaplan just refused (401). If it is still the one the portal holds, the portal refreshes before answering, once however many scripts report it.",
      ),
  })
  .describe("Optional. An empty body is the same as {}.");

export const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const SUBJECT_TOKEN_TYPES = [
  "urn:ietf:params:oauth:token-type:jwt",
  "urn:ietf:params:oauth:token-type:id_token",
] as const;

/** RFC 8693 token exchange: a platform JWT in, the named identity's access token out (form-encoded or JSON). */
export const exchangeRequest = z
  .object({
    grant_type: z.literal(TOKEN_EXCHANGE),
    subject_token: z
      .string()
      .max(12_000, "A JWT of at most 12,000 characters.")
      .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/, "A compact JWT: three base64url parts.")
      .describe("The platform's signed job token (GitHub Actions, GitLab CI, Kubernetes, any OIDC issuer)."),
    subject_token_type: z.enum(SUBJECT_TOKEN_TYPES),
    audience: z.string().max(300).optional().describe("The identity: its id, or `<team slug>/<identity name>`."),
    resource: z.string().max(300).optional().describe("The same as `audience`, for clients that send `resource`."),
    requested_token_type: z.literal("urn:ietf:params:oauth:token-type:access_token").optional(),
    min_valid_seconds: z.coerce.number().int().min(0).max(1800).optional(),
  })
  .refine((b) => b.audience !== undefined || b.resource !== undefined, {
    message: "name the identity in audience: its id, or <team slug>/<identity name>",
    path: ["audience"],
  })
  .describe("No Authorization header: the subject token is the credential.");
export type ExchangeRequest = z.infer<typeof exchangeRequest>;

/** What a restricted workload's exchange hands out: a token of the portal's own, good only at its gateway. */
export const GATEWAY_TOKEN_TYPE = "urn:anaplan-token-portal:token-type:gateway";

const identityRef = z.object({ id: z.uuid(), name: z.string() });

export const tokenResponse = z.object({
  access_token: z.string().describe("Send as `Authorization: AnaplanAuthToken <access_token>`."),
  token_type: z.literal("AnaplanAuthToken"),
  expires_at: z.iso.datetime().describe("When Anaplan stops accepting the token (UTC)."),
  expires_in: z.number().int().min(0).describe("Seconds from now until expires_at."),
  identity: identityRef,
  issued_token_type: z
    .enum(["urn:ietf:params:oauth:token-type:access_token", GATEWAY_TOKEN_TYPE])
    .optional()
    .describe(
      `Present on a token exchange (RFC 8693). \`${GATEWAY_TOKEN_TYPE}\`: the trusted workload is restricted, and the token works only at the portal's gateway (/api/v1/anaplan/…), never at Anaplan.`,
    ),
});

export const identityResponse = z.object({
  identity: identityRef.extend({
    state: z.enum(IDENTITY_STATES),
    state_reason: z.string().nullable(),
    api_url: z.string().describe("The Anaplan API host this identity's tokens are for."),
    access_token_expires_at: z.iso.datetime().nullable(),
    refresh_token_expires_at: z.iso.datetime().nullable(),
  }),
});

export const errorResponse = z.object({
  error: z.enum(Object.keys(BROKER_ERRORS) as [BrokerErrorCode, ...BrokerErrorCode[]]),
  message: z.string().describe("What went wrong and what to do, for a person reading a script's log."),
});

export type TokenResponse = z.infer<typeof tokenResponse>;
export type IdentityResponse = z.infer<typeof identityResponse>;
