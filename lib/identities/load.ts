// Loading one row of a team by an id that came from outside: a malformed id, another team's id and a missing id
// all answer the same "not found", so ids cannot be probed across teams.
import "server-only";
import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";

const identityNotFound = () => new AppError("not_found", "No such identity in this team.");
const enrolmentNotFound = () => new AppError("not_found", "No such enrolment in this team.");

const uuid = z.uuid();
type Db = Pick<Prisma.TransactionClient, "serviceIdentity" | "enrolment">;

export async function getIdentityOrThrow(teamId: string, id: unknown, client: Db = db()) {
  const parsed = uuid.safeParse(id);
  const identity = parsed.success
    ? await client.serviceIdentity.findFirst({ where: { id: parsed.data, teamId } })
    : null;
  if (!identity) throw identityNotFound();
  return identity;
}

export async function getEnrolmentOrThrow(teamId: string, id: unknown, client: Db = db()) {
  const parsed = uuid.safeParse(id);
  const enrolment = parsed.success
    ? await client.enrolment.findFirst({
        where: { id: parsed.data, identity: { teamId } },
        include: { identity: true },
      })
    : null;
  if (!enrolment) throw enrolmentNotFound();
  return enrolment;
}
