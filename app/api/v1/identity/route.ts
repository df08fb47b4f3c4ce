// GET /api/v1/identity: which identity a key belongs to and its state, for a script's health check.
import { BROKER_ROUTES } from "@/lib/broker/routes";

export const dynamic = "force-dynamic";

export const GET = BROKER_ROUTES["GET /api/v1/identity"];
