// The public API's shapes, as zod schemas: the handlers parse and build with them, and the OpenAPI document is
// generated from them, so the two cannot drift apart.
import { z } from "zod";
import { IDENTITY_STATES } from "@/lib/identities/schemas";

export const BROKER_ERROR_STATUS = {
  invalid_request: 400,
  invalid_key: 401,
  identity_deactivated: 403,
  needs_reenrolment: 409,
  rate_limited: 429,
  provider_unavailable: 503,
  service_unavailable: 503,
  internal: 500,
} as const;
export type BrokerErrorCode = keyof typeof BROKER_ERROR_STATUS;

export const tokenRequest = z
  .object({
    min_valid_seconds: z
      .number()
      .int()
      .min(0)
      .max(1800)
      .optional()
      .describe("Refresh first unless the token served stays valid at least this long (seconds)."),
  })
  .describe("Optional. An empty body is the same as {}.");

const identityRef = z.object({ id: z.uuid(), name: z.string() });

export const tokenResponse = z.object({
  access_token: z.string().describe("Send as `Authorization: AnaplanAuthToken <access_token>`."),
  token_type: z.literal("AnaplanAuthToken"),
  expires_at: z.iso.datetime().describe("When Anaplan stops accepting the token (UTC)."),
  expires_in: z.number().int().min(0).describe("Seconds from now until expires_at."),
  identity: identityRef,
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
  error: z.enum(Object.keys(BROKER_ERROR_STATUS) as [BrokerErrorCode, ...BrokerErrorCode[]]),
  message: z.string().describe("What went wrong and what to do, for a person reading a script's log."),
});

export type TokenResponse = z.infer<typeof tokenResponse>;
export type IdentityResponse = z.infer<typeof identityResponse>;
