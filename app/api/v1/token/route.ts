// POST /api/v1/token: a script's API key, or a trusted workload's platform JWT (RFC 8693), in; a short-lived
// Anaplan access token out (see /api/v1/openapi.json).
import { BROKER_ROUTES } from "@/lib/broker/routes";

export const dynamic = "force-dynamic";

export const POST = BROKER_ROUTES["POST /api/v1/token"];
