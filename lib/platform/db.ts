// The only database access: one pg pool per process, shared by the one Prisma client and by the few hot-path
// statements that are worth preparing (the token broker's). Created on first use so that boot can resolve
// DATABASE_URL (embedded or given) first.
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";

const holder = globalThis as unknown as { __portalDb?: PrismaClient; __portalPool?: pg.Pool };

function pool(): pg.Pool {
  if (!holder.__portalPool) {
    const connectionString = env().DATABASE_URL;
    if (!connectionString) throw new Error("The database is not ready: DATABASE_URL was not resolved at boot");
    holder.__portalPool = new pg.Pool({ connectionString, max: 10 });
    // An idle connection that Postgres closes (a restart, a failover, a dropped database) emits 'error' on the pool;
    // unhandled, that would end the process. The pool replaces the connection on the next query.
    holder.__portalPool.on("error", (error) => log.warn("an idle database connection was closed", { error }));
  }
  return holder.__portalPool;
}

export function db(): PrismaClient {
  holder.__portalDb ??= new PrismaClient({ adapter: new PrismaPg(pool()) });
  return holder.__portalDb;
}

/**
 * A named statement: Postgres parses and plans it once per connection instead of on every call. For the broker's
 * per-request query and the dashboard list only; everything else goes through db().
 */
export async function preparedQuery<T extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) {
  return (await pool().query<T>({ name, text, values })).rows;
}

export async function disconnectDb() {
  await holder.__portalDb?.$disconnect();
  await holder.__portalPool?.end().catch(() => {});
  holder.__portalDb = undefined;
  holder.__portalPool = undefined;
}
