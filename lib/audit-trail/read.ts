// Reading the audit trail: a team's events (team admins) or all of them (portal admins), newest first, filtered,
// paged by keyset (id < cursor, so page 1,000 costs what page 1 does), and exported as CSV that streams in batches.
import "server-only";
import { z } from "zod";
import { OUTCOMES } from "@/lib/audit/vocabulary";
import { keyPrefixOf } from "@/lib/broker/key-format";
import type { AuditEvent, Prisma } from "@/lib/generated/prisma/client";
import { assertPortalAdmin } from "@/lib/permissions";
import { csvField } from "@/lib/platform/csv";
import { db } from "@/lib/platform/db";
import { AppError, isAppError } from "@/lib/platform/errors";
import { visibleText } from "@/lib/platform/names";
import { likeLiteral, readQueryFilters } from "@/lib/platform/validation";
import { type Actor, requireTeam } from "@/lib/teams/access";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <S extends z.ZodType>(s: S) => z.preprocess(blankToUndefined, s.optional());

/** The trail's filters. A value that is not valid is refused with a sentence (never silently dropped). */
export const auditFilters = z.object({
  actor: optional(visibleText(254)),
  /** An identity's id, or its name (in this team, or as it was named before it was deleted). */
  identity: optional(visibleText(80)),
  /** An action, or the start of a family of them: "token" is every token.* action. */
  action: optional(
    z
      .string()
      .trim()
      .regex(/^[a-z_.]{1,64}$/, "An action or the start of one, e.g. token.issue or token."),
  ),
  outcome: optional(z.enum(OUTCOMES, "Choose success, failure or denied.")),
  from: optional(z.iso.date("A day as YYYY-MM-DD.")),
  to: optional(z.iso.date("A day as YYYY-MM-DD.")),
  before: optional(z.string().regex(/^\d{1,18}$/, "This is not a page of the trail; start from the newest.")),
});
export type AuditFilters = z.infer<typeof auditFilters>;

/** What the page's filter form was sent, parsed: the filters, or what is wrong with each field, and what was typed. */
export const readAuditFilters = (raw: Record<string, string | string[] | undefined>) =>
  readQueryFilters(auditFilters, raw);

export const PAGE_SIZE = 50;
const CSV_BATCH = 500;

type Scope = { teamId: string | null };

/** The team's (or, for portal admins, everyone's) audit scope, after the caller's rights are checked. */
export async function auditScope(actor: Actor, teamSlug: string | null): Promise<Scope & { slug: string | null }> {
  if (teamSlug === null) {
    assertPortalAdmin(actor, "audit.view_all");
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

/** "token.issue" is that action and any below it; "token" or "token." is every token.* action. */
function actionWhere(action: string): Prisma.AuditEventWhereInput {
  const family = likeLiteral(action.endsWith(".") ? action : `${action}.`);
  return { OR: [{ action: action.replace(/\.$/, "") }, { action: { startsWith: family } }] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The identities a filter names: its id, or every identity (live, or deleted) that had that name in the scope. */
async function identityIds(scope: Scope, value: string): Promise<string[]> {
  if (UUID.test(value)) return [value.toLowerCase()];
  const live = await db().serviceIdentity.findMany({
    where: { name: value, ...(scope.teamId ? { teamId: scope.teamId } : {}) },
    select: { id: true },
  });
  const ids = new Set(live.map((i) => i.id));
  if (ids.size === 0) {
    const named = await db().$queryRaw<{ targetId: string }[]>`
      SELECT DISTINCT target_id AS "targetId" FROM audit_events
      WHERE action IN ('identity.create', 'identity.update') AND details->>'name' = ${value}
        AND (${scope.teamId}::uuid IS NULL OR team_id = ${scope.teamId}::uuid)`;
    for (const n of named) ids.add(n.targetId);
  }
  if (ids.size === 0) {
    const why = `No identity is or was named “${value}” here. Check the name, or paste the identity's id.`;
    throw new AppError("bad_request", why, { fieldErrors: { identity: [why] } });
  }
  return [...ids];
}

async function whereOf(scope: Scope, f: AuditFilters): Promise<Prisma.AuditEventWhereInput> {
  return {
    ...(scope.teamId ? { teamId: scope.teamId } : {}),
    ...(f.actor ? await actorWhere(f.actor) : {}),
    ...(f.identity ? { targetType: "identity", targetId: { in: await identityIds(scope, f.identity) } } : {}),
    ...(f.action ? actionWhere(f.action) : {}),
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

/** The labels the trail itself recorded for targets that no longer exist: an identity's latest name, a webhook's URL. */
async function recordedLabels(targetIds: string[]): Promise<Map<string, string>> {
  if (targetIds.length === 0) return new Map();
  const rows = await db().$queryRaw<{ targetId: string; label: string }[]>`
    SELECT DISTINCT ON (target_id) target_id AS "targetId",
           coalesce(details->>'name', details->>'url') AS label
    FROM audit_events
    WHERE target_id = ANY(${targetIds}) AND action IN ('identity.create', 'identity.update', 'webhook.create')
      AND coalesce(details->>'name', details->>'url') IS NOT NULL
    ORDER BY target_id, id DESC`;
  return new Map(rows.map((r) => [r.targetId, r.label]));
}

/**
 * Names for the ids in a batch of events: actors (user email or key prefix), identities, webhooks and teams, from the
 * live rows; after a deletion, from what the trail recorded when they existed — never a bare id or "deleted".
 */
async function present(events: AuditEvent[]) {
  const ids = (pick: (e: AuditEvent) => string | null) => [...new Set(events.map(pick).filter((v) => v !== null))];
  const targets = (type: string) => ids((e) => (e.targetType === type ? e.targetId : null));
  const [users, keys, identities, webhooks, teams] = await Promise.all([
    db().user.findMany({ where: { id: { in: ids((e) => e.actorUserId) } }, select: { id: true, email: true } }),
    db().apiKey.findMany({ where: { id: { in: ids((e) => e.actorApiKeyId) } }, select: { id: true, lookupId: true } }),
    db().serviceIdentity.findMany({ where: { id: { in: targets("identity") } }, select: { id: true, name: true } }),
    db().webhookEndpoint.findMany({ where: { id: { in: targets("webhook") } }, select: { id: true, url: true } }),
    db().team.findMany({ where: { id: { in: ids((e) => e.teamId) } }, select: { id: true, slug: true } }),
  ]);
  const named = <T extends { id: string }>(rows: T[], name: (r: T) => string) =>
    new Map(rows.map((r) => [r.id, name(r)]));
  const userName = named(users, (u) => u.email);
  const keyName = named(keys, (k) => keyPrefixOf(k.lookupId));
  const targetName = new Map([...named(identities, (i) => i.name), ...named(webhooks, (w) => w.url)]);
  const teamSlug = named(teams, (t) => t.slug);
  const gone = [...targets("identity"), ...targets("webhook")].filter((id) => !targetName.has(id));
  const recorded = await recordedLabels(gone);
  return events.map((e) => {
    const details = (e.details ?? {}) as Record<string, unknown>;
    const keyPrefix = typeof details.keyPrefix === "string" ? details.keyPrefix : null;
    const historic = e.targetId ? recorded.get(e.targetId) : undefined;
    return {
      id: e.id.toString(),
      at: e.at,
      team: e.teamId ? (teamSlug.get(e.teamId) ?? "") : "",
      actor:
        (e.actorUserId && userName.get(e.actorUserId)) ||
        (e.actorApiKeyId && (keyName.get(e.actorApiKeyId) ?? (keyPrefix ? `${keyPrefix} (deleted)` : null))) ||
        (e.actorApiKeyId ? "API key (deleted)" : e.actorUserId ? "user (deleted)" : "portal"),
      action: e.action,
      outcome: e.outcome,
      target: e.targetId ? (targetName.get(e.targetId) ?? (historic ? `${historic} (deleted)` : e.targetId)) : "",
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
  return pageIn(await auditScope(actor, teamSlug), filters);
}

/** One keyset page of the events in an authorized scope. */
async function pageIn(scope: Scope, filters: AuditFilters) {
  const where = await whereOf(scope, filters);
  const events = await batch(where, filters.before ? BigInt(filters.before) : null, PAGE_SIZE + 1);
  const page = events.slice(0, PAGE_SIZE);
  return {
    scope,
    rows: await present(page),
    next: events.length > PAGE_SIZE ? (page.at(-1)?.id.toString() ?? null) : null,
  };
}

/**
 * The audit page's whole read: the caller authorized, the form's filters parsed, and either the page of events or
 * what is wrong with the filters (each field's sentence), with what was typed so the form keeps it.
 */
export async function readAuditView(
  actor: Actor,
  teamSlug: string | null,
  raw: Record<string, string | string[] | undefined>,
) {
  const scope = await auditScope(actor, teamSlug);
  const { filters, problems, typed } = readAuditFilters(raw);
  const refused = (found: Record<string, string>) => ({ rows: [], next: null, filters: {}, problems: found, typed });
  if (!filters) return refused(problems);
  try {
    return { ...(await pageIn(scope, filters)), filters, problems, typed };
  } catch (error) {
    if (!isAppError(error) || !error.fieldErrors) throw error;
    return refused(
      Object.fromEntries(Object.entries(error.fieldErrors).map(([k, v]) => [k, v?.[0] ?? error.userMessage])),
    );
  }
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
