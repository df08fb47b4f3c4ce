// The public API described as OpenAPI 3.1, generated from the zod schemas the handlers use (JSON Schema 2020-12 is
// OpenAPI 3.1's dialect), so the document and the code cannot disagree.
import { z } from "zod";
import { errorResponse, identityResponse, tokenRequest, tokenResponse } from "./schemas";

const schema = (s: z.ZodType, io: "input" | "output" = "output") => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { target: "draft-2020-12", io }) as Record<string, unknown>;
  return rest;
};

const error = (description: string, retryAfter = false) => ({
  description,
  ...(retryAfter
    ? {
        headers: {
          "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer" } },
        },
      }
    : {}),
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

const keyErrors = {
  "401": error("`invalid_key`: the key is missing, malformed, unknown, revoked or expired (one answer for all)."),
  "429": error("`rate_limited`: too many requests for this key this minute.", true),
};
const outage = error("`service_unavailable`: the portal's database is restarting; try again after Retry-After.", true);

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Anaplan Token Portal API",
      version: "1.0.0",
      description:
        "Short-lived Anaplan access tokens for scripts. Authenticate with an API key created on an identity's page " +
        "(`Authorization: Bearer atp_…`). Refresh tokens never leave the portal.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    paths: {
      "/api/v1/token": {
        post: {
          operationId: "getToken",
          summary: "Get an Anaplan access token for the key's identity",
          requestBody: {
            required: false,
            content: { "application/json": { schema: { $ref: "#/components/schemas/TokenRequest" } } },
          },
          responses: {
            "200": {
              description: "A token valid for at least the safety margin (or min_valid_seconds).",
              headers: { "Cache-Control": { schema: { type: "string", const: "no-store" } } },
              content: { "application/json": { schema: { $ref: "#/components/schemas/TokenResponse" } } },
            },
            "400": error("`invalid_request`: the body is not valid."),
            ...keyErrors,
            "403": error("`identity_deactivated`: a team admin paused the identity."),
            "409": error("`needs_reenrolment`: Anaplan no longer accepts the identity's authorisation."),
            "503": error(
              "`provider_unavailable`: Anaplan did not answer; `service_unavailable`: the portal's database is " +
                "restarting. Try again after Retry-After.",
              true,
            ),
          },
        },
      },
      "/api/v1/identity": {
        get: {
          operationId: "getIdentity",
          summary: "The key's identity and its state (for health checks)",
          responses: {
            "200": {
              description: "The identity.",
              content: { "application/json": { schema: { $ref: "#/components/schemas/IdentityResponse" } } },
            },
            ...keyErrors,
            "503": outage,
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An API key: `atp_<lookup id>_<secret>`." },
      },
      schemas: {
        TokenRequest: schema(tokenRequest, "input"),
        TokenResponse: schema(tokenResponse),
        IdentityResponse: schema(identityResponse),
        Error: schema(errorResponse),
      },
    },
  };
}
