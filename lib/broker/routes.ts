// The broker's routes as plain functions of a web Request, so the scripts' API server (lib/server/scripts-api.ts)
// and Next's route handlers under app/api/v1/ serve them with the same code.
import "server-only";
import { withApiKey } from "./api";
import { describeIdentity } from "./issue";
import { tokenRoute } from "./token-route";

/** GET /api/v1/identity: which identity a key belongs to and its state, for a script's health check. */
export const identityRoute = (request: Request) => withApiKey(request, async (caller) => describeIdentity(caller));

export const BROKER_ROUTES = {
  "POST /api/v1/token": tokenRoute,
  "GET /api/v1/identity": identityRoute,
} as const;
