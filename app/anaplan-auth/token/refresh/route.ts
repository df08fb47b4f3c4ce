// POST /anaplan-auth/token/refresh: a token the portal handed out in, the identity's current token out.
import { anaplanAuthCall } from "@/lib/anaplan-auth/http";
import { refreshHandedOut } from "@/lib/anaplan-auth/service";

export const dynamic = "force-dynamic";

export function POST(request: Request) {
  return anaplanAuthCall(request, async (context) => ({
    status: 200,
    body: await refreshHandedOut(request.headers.get("authorization"), context),
  }));
}
