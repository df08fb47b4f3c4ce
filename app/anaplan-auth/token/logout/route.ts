// POST /anaplan-auth/token/logout: recorded; the identity's shared token is left alone (204, as Anaplan answers).
import { anaplanAuthCall } from "@/lib/anaplan-auth/http";
import { logoutHandedOut } from "@/lib/anaplan-auth/service";

export const dynamic = "force-dynamic";

export function POST(request: Request) {
  return anaplanAuthCall(request, async (context) => {
    await logoutHandedOut(request.headers.get("authorization"), context);
    return { status: 204 };
  });
}
