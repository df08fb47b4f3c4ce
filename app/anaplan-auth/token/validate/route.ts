// GET /anaplan-auth/token/validate: Anaplan's validation answer for a token the portal handed out.
import { anaplanAuthCall } from "@/lib/anaplan-auth/http";
import { validateHandedOut } from "@/lib/anaplan-auth/service";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return anaplanAuthCall(request, async () => ({
    status: 200,
    body: await validateHandedOut(request.headers.get("authorization")),
  }));
}
