// The Anaplan-compatible auth service's routes as plain functions of a web Request, served by the scripts' API
// server (lib/server/scripts-api.ts) and by Next's route handlers under app/anaplan-auth/ with the same code.
import "server-only";
import { anaplanAuthCall } from "./http";
import { authenticateBasic, logoutHandedOut, refreshHandedOut, validateHandedOut } from "./service";

const authorization = (request: Request) => request.headers.get("authorization");

export const ANAPLAN_AUTH_ROUTES = {
  /** Anaplan's Basic login, with a portal API key as the password (201, as Anaplan answers a login). */
  "POST /anaplan-auth/token/authenticate": (request: Request) =>
    anaplanAuthCall(request, async (context) => ({
      status: 201,
      body: await authenticateBasic(authorization(request), context),
    })),
  /** A token the portal handed out in, the identity's current token out. */
  "POST /anaplan-auth/token/refresh": (request: Request) =>
    anaplanAuthCall(request, async (context) => ({
      status: 200,
      body: await refreshHandedOut(authorization(request), context),
    })),
  /** Anaplan's validation answer for a token the portal handed out. */
  "GET /anaplan-auth/token/validate": (request: Request) =>
    anaplanAuthCall(request, async () => ({ status: 200, body: await validateHandedOut(authorization(request)) })),
  /** Recorded; the identity's shared token is left alone (204, as Anaplan answers). */
  "POST /anaplan-auth/token/logout": (request: Request) =>
    anaplanAuthCall(request, async (context) => {
      await logoutHandedOut(authorization(request), context);
      return { status: 204 };
    }),
} as const;
