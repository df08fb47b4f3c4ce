// The public API described as OpenAPI 3.1, generated from the zod schemas the handlers use (JSON Schema 2020-12 is
// OpenAPI 3.1's dialect), so the document and the code cannot disagree.
import { z } from "zod";
import {
  BROKER_ERRORS,
  type BrokerErrorCode,
  errorResponse,
  exchangeRequest,
  identityResponse,
  OPERATION_ERRORS,
  tokenRequest,
  tokenResponse,
} from "./schemas";

const schema = (s: z.ZodType, io: "input" | "output" = "output") => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { target: "draft-2020-12", io }) as Record<string, unknown>;
  return rest;
};

const retryAfterHeader = {
  "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer" } },
};

/** An operation's error responses, one per status, each naming the codes it can carry: from BROKER_ERRORS. */
function errorResponses(codes: readonly BrokerErrorCode[]) {
  const byStatus = new Map<number, BrokerErrorCode[]>();
  for (const code of codes)
    byStatus.set(BROKER_ERRORS[code].status, [...(byStatus.get(BROKER_ERRORS[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [
      String(status),
      {
        description: group.map((code) => `\`${code}\`: ${BROKER_ERRORS[code].means}.`).join(" "),
        ...(group.some((code) => BROKER_ERRORS[code].retryAfter) ? { headers: retryAfterHeader } : {}),
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    ]),
  );
}

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
          summary: "Get an Anaplan access token for the key's identity, or by token exchange (RFC 8693)",
          description:
            "With an API key: the key's identity's token. Without an Authorization header: an RFC 8693 token " +
            "exchange, where a trusted workload's platform JWT (GitHub Actions, GitLab CI, Kubernetes) is the credential.",
          security: [{ apiKey: [] }, {}],
          requestBody: {
            required: false,
            content: {
              "application/json": {
                schema: {
                  oneOf: [
                    { $ref: "#/components/schemas/TokenRequest" },
                    { $ref: "#/components/schemas/ExchangeRequest" },
                  ],
                },
              },
              "application/x-www-form-urlencoded": { schema: { $ref: "#/components/schemas/ExchangeRequest" } },
            },
          },
          responses: {
            "200": {
              description: "A token valid for at least the safety margin (or min_valid_seconds).",
              headers: { "Cache-Control": { schema: { type: "string", const: "no-store" } } },
              content: { "application/json": { schema: { $ref: "#/components/schemas/TokenResponse" } } },
            },
            ...errorResponses(OPERATION_ERRORS.getToken),
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
            ...errorResponses(OPERATION_ERRORS.getIdentity),
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
        ExchangeRequest: schema(exchangeRequest, "input"),
        TokenResponse: schema(tokenResponse),
        IdentityResponse: schema(identityResponse),
        Error: schema(errorResponse),
      },
    },
  };
}
