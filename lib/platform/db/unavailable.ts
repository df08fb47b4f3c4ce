// Telling "the database is not there right now" (a restart, a failover, a full connection table) from every other
// failure, so that callers can answer 503 with a Retry-After instead of 500, and so that a write holding the only
// copy of a rotated refresh token waits for the database instead of dropping the token.
import { setTimeout as sleep } from "node:timers/promises";
import { AppError } from "@/lib/platform/errors";

/** Prisma's codes for an unreachable server, a timed-out connection, a closed connection, an exhausted pool. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** What @prisma/adapter-pg calls a lost or refused connection. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/** SQLSTATE: class 08 (connection exception), 57P01–03 (shutdown, crash, starting up), 53300 (too many clients). */
const SQLSTATE = /^(08...|57P0[123]|53300)$/;
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);
/** node-postgres reports a socket closed under a query with these messages and no code. */
const PG_MESSAGES = /^(Connection terminated|Client has encountered a connection error)/;

type Failure = { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: unknown };

function causesOf(error: unknown): Failure[] {
  const seen: Failure[] = [];
  for (let e = error; e && typeof e === "object" && seen.length < 8; ) {
    const failure = e as Failure;
    // A failed fetch to Anaplan also ends in ECONNREFUSED; it is not the database, and is handled where it happens.
    if (e instanceof TypeError && failure.message === "fetch failed") return seen;
    seen.push(failure);
    const adapter = (failure.meta as { driverAdapterError?: { cause?: unknown } } | undefined)?.driverAdapterError;
    e = adapter?.cause ?? failure.cause;
  }
  return seen;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return causesOf(error).some(
    ({ code, kind, message }) =>
      (typeof code === "string" && (PRISMA_CODES.has(code) || SQLSTATE.test(code) || SOCKET_CODES.has(code))) ||
      (typeof kind === "string" && ADAPTER_KINDS.has(kind)) ||
      (typeof message === "string" && PG_MESSAGES.test(message)),
  );
}

export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The typed, safe form of an outage for every boundary (routes, the broker, server actions). */
export function databaseUnavailable(cause?: unknown) {
  return new AppError(
    "service_unavailable",
    "The portal cannot reach its database right now (a restart or failover). Nothing was lost; try again in a few seconds.",
    { cause, retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
  );
}

/**
 * Runs `write` until it lands, retrying only while the database is unavailable and only until `deadline` (ms since
 * the epoch). For writes whose data exists nowhere else yet: a token Anaplan has just issued or rotated.
 */
export async function retryWhileDatabaseDown<T>(write: () => Promise<T>, deadline: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() >= deadline) throw error;
      await sleep(Math.min(100 * 2 ** attempt, 1000, Math.max(0, deadline - Date.now())));
    }
  }
}
