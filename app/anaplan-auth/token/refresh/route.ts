// POST /anaplan-auth/token/refresh: a token the portal handed out in, the identity's current token out.
import { ANAPLAN_AUTH_ROUTES } from "@/lib/anaplan-auth/routes";

export const dynamic = "force-dynamic";

export const POST = ANAPLAN_AUTH_ROUTES["POST /anaplan-auth/token/refresh"];
