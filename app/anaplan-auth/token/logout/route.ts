// POST /anaplan-auth/token/logout: recorded; the identity's shared token is left alone (204, as Anaplan answers).
import { ANAPLAN_AUTH_ROUTES } from "@/lib/anaplan-auth/routes";

export const dynamic = "force-dynamic";

export const POST = ANAPLAN_AUTH_ROUTES["POST /anaplan-auth/token/logout"];
