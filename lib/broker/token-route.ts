// POST /api/v1/token: with `Authorization: Bearer atp_…`, an API key's token; without, an RFC 8693 token exchange
// (a trusted workload's platform JWT, form-encoded or JSON). A request that is neither is an invalid key.
import "server-only";
import { NO_STORE } from "@/lib/platform/failure";
import { parseBody, publicCall, readBody, readJson, withApiKey } from "./api";
import { invalidKey } from "./errors";
import { exchangeToken } from "./exchange";
import { issueToken } from "./issue";
import { exchangeRequest, TOKEN_EXCHANGE, tokenRequest } from "./schemas";

const isExchange = (body: unknown) =>
  typeof body === "object" && body !== null && (body as { grant_type?: unknown }).grant_type === TOKEN_EXCHANGE;

export function tokenRoute(request: Request): Promise<Response> {
  if (request.headers.has("authorization")) {
    return withApiKey(request, async (caller, context) => {
      const body = await readJson(request, tokenRequest);
      return issueToken(
        caller,
        { minValidSeconds: body.min_valid_seconds ?? 0, rejectedToken: body.rejected_token },
        context,
      );
    });
  }
  return publicCall(request, async (context) => {
    const body = await readBody(request, true);
    if (!isExchange(body)) throw invalidKey();
    return Response.json(await exchangeToken(parseBody(exchangeRequest, body), context), { headers: NO_STORE });
  });
}
