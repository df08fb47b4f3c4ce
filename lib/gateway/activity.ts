// An identity's gateway calls, newest first: filtered, paged by keyset (id < cursor, so an old page costs what
// the first does) and exported as CSV that streams in batches. Team members may read it (identity.view).
import "server-only";
import { z } from "zod";
import { keyPrefixOf } from "@/lib/broker/key-format";
import type { GatewayCall, Prisma } from "@/lib/generated/prisma/client";
import { getIdentityOrThrow } from "@/lib/identities/load";
import { csvField } from "@/lib/platform/csv";
import { db } from "@/lib/platform/db";
import { readQueryFilters } from "@/lib/platform/validation";
import { type Actor, requireTeam } from "@/lib/teams/access";

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <S extends z.ZodType>(s: S) => z.preprocess(blank, s.optional());

export const OUTCOMES = ["2xx", "4xx", "5xx", "refused"] as const;

export const activityFilters = z.object({
  method: optional(z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], "Choose a method.")),
  outcome: optional(z.enum(OUTCOMES, "Choose 2xx, 4xx, 5xx or refused.")),
  model: optional(
    z
      .string()
      .trim()
      .regex(/^[0-9A-Fa-f]{32}$/, "A model id is 32 hexadecimal characters."),
  ),
  object: optional(
    z
      .string()
      .trim()
      .regex(/^\d{12}$/, "An object id is 12 digits."),
  ),
  from: optional(z.iso.date("A day as YYYY-MM-DD.")),
  to: optional(z.iso.date("A day as YYYY-MM-DD.")),
  before: optional(z.string().regex(/^\d{1,18}$/, "This is not a page of the activity; start from the newest.")),
});
export type ActivityFilters = z.infer<typeof activityFilters>;

export const ACTIVITY_PAGE_SIZE = 50;
const CSV_BATCH = 1000;
const DAY_MS = 86_400_000;

function whereOf(identityId: string, f: ActivityFilters): Prisma.GatewayCallWhereInput {
  const status =
    f.outcome === "refused"
      ? { error: { not: null } }
      : f.outcome
        ? { error: null, status: { gte: Number(f.outcome[0]) * 100, lt: Number(f.outcome[0]) * 100 + 100 } }
        : {};
  return {
    identityId,
    ...(f.method && { method: f.method }),
    ...(f.model && { modelId: f.model.toUpperCase() }),
    ...(f.object && { objectId: f.object }),
    ...status,
    ...((f.from || f.to) && {
      at: {
        ...(f.from && { gte: new Date(`${f.from}T00:00:00Z`) }),
        ...(f.to && { lt: new Date(Date.parse(`${f.to}T00:00:00Z`) + DAY_MS) }),
      },
    }),
  };
}

const batch = (where: Prisma.GatewayCallWhereInput, before: bigint | null, take: number) =>
  db().gatewayCall.findMany({
    where: { ...where, ...(before !== null && { id: { lt: before } }) },
    orderBy: { id: "desc" },
    take,
  });

async function present(calls: GatewayCall[]) {
  const ids = [...new Set(calls.map((c) => c.keyId).filter((id) => id !== null))];
  const keys = ids.length
    ? await db().apiKey.findMany({ where: { id: { in: ids } }, select: { id: true, lookupId: true, name: true } })
    : [];
  const byId = new Map(keys.map((k) => [k.id, k]));
  return calls.map((c) => {
    const key = c.keyId ? byId.get(c.keyId) : undefined;
    return {
      id: c.id.toString(),
      at: c.at,
      method: c.method,
      path: c.pathTemplate,
      workspace: c.workspaceId,
      model: c.modelId,
      object: c.objectId,
      status: c.status,
      error: c.error,
      bytesIn: Number(c.bytesIn),
      bytesOut: Number(c.bytesOut),
      durationMs: c.durationMs,
      key: key ? `${key.name} (${keyPrefixOf(key.lookupId)}_…)` : null,
      clientIp: c.clientIp,
    };
  });
}
export type ActivityRow = Awaited<ReturnType<typeof present>>[number];

async function scope(actor: Actor, teamSlug: string, identityId: string) {
  const { team } = await requireTeam(actor, teamSlug, "identity.view");
  return getIdentityOrThrow(team.id, identityId);
}

/** One page, and the cursor of the next when there is one. */
export async function readActivity(actor: Actor, teamSlug: string, identityId: string, filters: ActivityFilters) {
  const identity = await scope(actor, teamSlug, identityId);
  const calls = await batch(
    whereOf(identity.id, filters),
    filters.before ? BigInt(filters.before) : null,
    ACTIVITY_PAGE_SIZE + 1,
  );
  const page = calls.slice(0, ACTIVITY_PAGE_SIZE);
  return {
    identity: { id: identity.id, name: identity.name },
    rows: await present(page),
    next: calls.length > ACTIVITY_PAGE_SIZE ? (page.at(-1)?.id.toString() ?? null) : null,
  };
}

const CSV_COLUMNS = [
  "at",
  "method",
  "path",
  "workspace",
  "model",
  "object",
  "status",
  "error",
  "bytesIn",
  "bytesOut",
  "durationMs",
  "key",
  "clientIp",
] as const satisfies readonly (keyof ActivityRow)[];

/** The filtered calls as CSV, read in batches as the client consumes them: memory stays flat at any size. */
export async function streamActivityCsv(actor: Actor, teamSlug: string, identityId: string, filters: ActivityFilters) {
  const identity = await scope(actor, teamSlug, identityId);
  const where = whereOf(identity.id, filters);
  const encoder = new TextEncoder();
  let cursor: bigint | null = filters.before ? BigInt(filters.before) : null;
  return {
    stream: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`\uFEFF${CSV_COLUMNS.join(",")}\r\n`));
      },
      async pull(controller) {
        const calls = await batch(where, cursor, CSV_BATCH);
        cursor = calls.at(-1)?.id ?? cursor;
        const rows = await present(calls);
        const text = rows.map((r) => `${CSV_COLUMNS.map((c) => csvField(r[c])).join(",")}\r\n`).join("");
        if (text) controller.enqueue(encoder.encode(text));
        if (calls.length < CSV_BATCH) controller.close();
      },
    }),
  };
}

/** The activity page: its filters as typed (or what is wrong with them), and the page of calls they select. */
export async function readActivityView(
  actor: Actor,
  teamSlug: string,
  identityId: string,
  raw: Record<string, string | string[] | undefined>,
) {
  const { filters, problems, typed } = readQueryFilters(activityFilters, raw);
  if (!filters) {
    const identity = await scope(actor, teamSlug, identityId);
    return { identity: { id: identity.id, name: identity.name }, rows: [], next: null, filters: {}, problems, typed };
  }
  return { ...(await readActivity(actor, teamSlug, identityId, filters)), filters, problems, typed };
}
