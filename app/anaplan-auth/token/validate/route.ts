// GET /anaplan-auth/token/validate: Anaplan's validation answer for a token the portal handed out.
import { ANAPLAN_AUTH_ROUTES } from "@/lib/anaplan-auth/routes";

export const dynamic = "force-dynamic";

export const GET = ANAPLAN_AUTH_ROUTES["GET /anaplan-auth/token/validate"];
