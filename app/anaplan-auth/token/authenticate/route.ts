// POST /anaplan-auth/token/authenticate: Anaplan's Basic login, with a portal API key as the password.
import { ANAPLAN_AUTH_ROUTES } from "@/lib/anaplan-auth/routes";

export const dynamic = "force-dynamic";

export const POST = ANAPLAN_AUTH_ROUTES["POST /anaplan-auth/token/authenticate"];
