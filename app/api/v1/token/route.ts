// POST /api/v1/token: a script's API key in, a short-lived Anaplan access token out (see /api/v1/openapi.json).
import { readJson, withApiKey } from "@/lib/broker/api";
import { issueToken } from "@/lib/broker/issue";
import { tokenRequest } from "@/lib/broker/schemas";

export const dynamic = "force-dynamic";

export function POST(request: Request) {
  return withApiKey(request, async (caller, context) => {
    const body = await readJson(request, tokenRequest);
    return issueToken(
      caller,
      { minValidSeconds: body.min_valid_seconds ?? 0, rejectedToken: body.rejected_token },
      context,
    );
  });
}
