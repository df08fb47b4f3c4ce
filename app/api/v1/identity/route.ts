// GET /api/v1/identity: which identity a key belongs to and its state, for a script's health check.
import { withApiKey } from "@/lib/broker/api";
import { describeIdentity } from "@/lib/broker/issue";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return withApiKey(request, async (caller) => describeIdentity(caller));
}
