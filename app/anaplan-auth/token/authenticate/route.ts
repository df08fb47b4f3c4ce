// POST /anaplan-auth/token/authenticate: Anaplan's Basic login, with a portal API key as the password.
import { anaplanAuthCall } from "@/lib/anaplan-auth/http";
import { authenticateBasic } from "@/lib/anaplan-auth/service";

export const dynamic = "force-dynamic";

export function POST(request: Request) {
  return anaplanAuthCall(request, async (context) => ({
    status: 201,
    body: await authenticateBasic(request.headers.get("authorization"), context),
  }));
}
