// The only Prisma client. Created on first use so that boot can resolve DATABASE_URL (embedded or given) first.
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

const holder = globalThis as unknown as { __portalDb?: PrismaClient };

export function db(): PrismaClient {
  if (!holder.__portalDb) {
    const connectionString = env().DATABASE_URL;
    if (!connectionString) throw new Error("The database is not ready: DATABASE_URL was not resolved at boot");
    holder.__portalDb = new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 10 }) });
  }
  return holder.__portalDb;
}

export async function disconnectDb() {
  await holder.__portalDb?.$disconnect();
  holder.__portalDb = undefined;
}
