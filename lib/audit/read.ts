// Reading the audit trail: a team's events (team admins) or all of them (portal admins), newest first, filtered,
// paged by keyset (id < cursor, so page 1,000 costs what page 1 does), and exported as CSV that streams in batches.
import "server-only";
import { z } from "zod";
import { keyPrefixOf } from "@/lib/broker/key-format";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { AuditEvent, Prisma } from "@/lib/generated/prisma/client";
import { visibleText } from "@/lib/names";
import { type Actor, requireTeam } from "@/lib/teams/access";
import { OUTCOMES } from "./index";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <S extends z.ZodType>(s: S) => z.preprocess(blankToUndefined, s.optional()).catch(undefined);

export const auditFilters = z.object({
  actor: optional(visibleText(254)),
  identity: optional(z.uuid()),
  action: optional(
    z
      .string()
      .trim()
      .regex(/^[a-z_.]{1,64}$/),
  ),
  outcome: optional(z.enum(OUTCOMES)),
  from: optional(z.iso.date()),
  to: optional(z.iso.date()),
  before: optional(z.string().regex(/^\d{1,18}$/)),
});
export type AuditFilters = z.infer<typeof auditFilters>;

export const PAGE_SIZE = 50;
const CSV_BATCH = 500;

type Scope = { teamId: string | null };

/** The team's (or, for portal admins, everyone's) audit scope, after the caller's rights are checked. */
export async function auditScope(actor: Actor, teamSlug: string | null): Promise<Scope & { slug: string | null }> {
  if (teamSlug === null) {
    if (!actor.isPortalAdmin) throw new AppError("forbidden", "Only portal admins can read the portal-wide audit.");
    return { teamId: null, slug: null };
  }
  const { team } = await requireTeam(actor, teamSlug, "audit.view");
  return { teamId: team.id, slug: team.slug };
}

/** "atp_<lookup id>" finds a key's events; anything else is matched against users' emails. */
async function actorWhere(actor: string): Promise<Prisma.AuditEventWhereInput> {
  const lookupId = /^atp_([0-9A-Za-z]{12})/.exec(actor)?.[1];
  if (lookupId) {
    const key = await db().apiKey.findUnique({ where: { lookupId }, select: { id: true } });
    return { actorApiKeyId: key?.id ?? "00000000-0000-0000-0000-000000000000" };
  }
  // Emails are stored lower-case, so an exact match on the lower-cased filter finds them; Prisma's
  // `mode: "insensitive"` would compile to an unescaped ILIKE, where `%` matches everyone.
  const users = await db().user.findMany({ where: { email: actor.toLowerCase() }, select: { id: true } });
  return { actorUserId: { in: users.map((u) => u.id) } };
}

async function whereOf(scope: Scope, f: AuditFilters): Promise<Prisma.AuditEventWhereInput> {
  return {
    ...(scope.teamId ? { teamId: scope.teamId } : {}),
    ...(f.actor ? await actorWhere(f.actor) : {}),
    ...(f.identity ? { targetType: "identity", targetId: f.identity } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(f.from || f.to
      ? {
          at: {
            ...(f.from ? { gte: new Date(`${f.from}T00:00:00Z`) } : {}),
            ...(f.to ? { lt: new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000) } : {}),
          },
        }
      : {}),
  };
}

async function batch(where: Prisma.AuditEventWhereInput, before: bigint | null, take: number) {
  return db().auditEvent.findMany({
    where: before === null ? where : { AND: [where, { id: { lt: before } }] },
    orderBy: { id: "desc" },
    take,
  });
}

/** Names for the ids in a batch of events: actors (user email or key prefix), identities and teams. */
async function present(events: AuditEvent[]) {
  const ids = (pick: (e: AuditEvent) => string | null) => [...new Set(events.map(pick).filter((v) => v !== null))];
  const [users, keys, identities, teams] = await Promise.all([
    db().user.findMany({ where: { id: { in: ids((e) => e.actorUserId) } }, select: { id: true, email: true } }),
    db().apiKey.findMany({ where: { id: { in: ids((e) => e.actorApiKeyId) } }, select: { id: true, lookupId: true } }),
    db().serviceIdentity.findMany({
      where: { id: { in: ids((e) => (e.targetType === "identity" ? e.targetId : null)) } },
      select: { id: true, name: true },
    }),
    db().team.findMany({ where: { id: { in: ids((e) => e.teamId) } }, select: { id: true, slug: true } }),
  ]);
  const named = <T extends { id: string }>(rows: T[], name: (r: T) => string) =>
    new Map(rows.map((r) => [r.id, name(r)]));
  const userName = named(users, (u) => u.email);
  const keyName = named(keys, (k) => keyPrefixOf(k.lookupId));
  const identityName = named(identities, (i) => i.name);
  const teamSlug = named(teams, (t) => t.slug);
  return events.map((e) => {
    const details = (e.details ?? {}) as Record<string, unknown>;
    const deletedName = typeof details.name === "string" ? `${details.name} (deleted)` : null;
    return {
      id: e.id.toString(),
      at: e.at,
      team: e.teamId ? (teamSlug.get(e.teamId) ?? "") : "",
      actor:
        (e.actorUserId && userName.get(e.actorUserId)) ||
        (e.actorApiKeyId && keyName.get(e.actorApiKeyId)) ||
        (e.actorApiKeyId ? "API key (deleted)" : e.actorUserId ? "user (deleted)" : "portal"),
      action: e.action,
      outcome: e.outcome,
      target:
        e.targetType === "identity" && e.targetId
          ? (identityName.get(e.targetId) ?? deletedName ?? e.targetId)
          : (e.targetId ?? ""),
      targetType: e.targetType,
      targetId: e.targetId,
      ip: e.ip ?? "",
      userAgent: e.userAgent ?? "",
      details: JSON.stringify(details),
    };
  });
}

export type AuditRow = Awaited<ReturnType<typeof present>>[number];

export async function readAuditPage(actor: Actor, teamSlug: string | null, filters: AuditFilters) {
  const scope = await auditScope(actor, teamSlug);
  const where = await whereOf(scope, filters);
  const events = await batch(where, filters.before ? BigInt(filters.before) : null, PAGE_SIZE + 1);
  const page = events.slice(0, PAGE_SIZE);
  return {
    scope,
    rows: await present(page),
    next: events.length > PAGE_SIZE ? (page.at(-1)?.id.toString() ?? null) : null,
  };
}

const CSV_COLUMNS: (keyof AuditRow)[] = [
  "id",
  "at",
  "team",
  "actor",
  "action",
  "outcome",
  "target",
  "targetId",
  "ip",
  "userAgent",
  "details",
];

/** RFC 4180 quoting, and a leading ' before = + - @ so a spreadsheet never runs a field as a formula. */
export function csvField(value: unknown): string {
  let text = value instanceof Date ? value.toISOString() : value == null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The filtered events as CSV, read in batches as the client consumes them: memory stays flat at any size. */
export async function streamAuditCsv(actor: Actor, teamSlug: string | null, filters: AuditFilters) {
  const scope = await auditScope(actor, teamSlug);
  const where = await whereOf(scope, filters);
  const encoder = new TextEncoder();
  let cursor: bigint | null = filters.before ? BigInt(filters.before) : null;
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // A UTF-8 byte-order mark first: spreadsheets then read names like "Zoë" as UTF-8, not as their local code page.
      controller.enqueue(encoder.encode(`\uFEFF${CSV_COLUMNS.join(",")}\r\n`));
    },
    async pull(controller) {
      if (done) return controller.close();
      const events = await batch(where, cursor, CSV_BATCH);
      if (events.length < CSV_BATCH) done = true;
      cursor = events.at(-1)?.id ?? cursor;
      const rows = await present(events);
      const text = rows.map((r) => `${CSV_COLUMNS.map((c) => csvField(r[c])).join(",")}\r\n`).join("");
      if (text) controller.enqueue(encoder.encode(text));
      if (done) controller.close();
    },
  });
}
