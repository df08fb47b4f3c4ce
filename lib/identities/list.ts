// The dashboard's list of a team's identities, in keyset pages over the read model the triggers of migration
// 20261123040000 keep on each row (list_state, list_expires_at, list_last_used_at). Every filter and sort has an
// index that returns rows already in order, so the first and the four-thousandth page cost the same. There are no
// page numbers or totals on purpose: counting a 100,000-row team on every view is what made deep pages slow.
import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import { preparedQuery } from "@/lib/platform/db";
import { likeLiteral } from "@/lib/platform/validation";
import { type Actor, requireTeam } from "@/lib/teams/access";
import { grantOf, IDENTITY_ROW_SQL, type IdentityRow, stateOf } from "./row";
import { IDENTITY_STATES, type IdentitySort, type ListQuery } from "./schemas";
import { expiryWarning, warningDaysFor } from "./warnings";

export const PAGE_SIZE = 25;

/** One row of the list: the identity row, and the read model's key columns of every sort. */
type ListedRow = IdentityRow & { state: string; lastUsed: Date; expires: Date };

type SortSpec = {
  columns: string;
  descending: boolean;
  key: (r: ListedRow) => unknown[];
  cursor: z.ZodType<unknown[]>;
  casts: string[];
};

const time = z.iso.datetime({ offset: true });

const SORTS: Record<IdentitySort, SortSpec> = {
  name: {
    columns: `"name"`,
    descending: false,
    key: (r) => [r.name],
    cursor: z.tuple([z.string().max(200)]),
    casts: ["text"],
  },
  state: {
    columns: `"list_state", "name"`,
    descending: false,
    key: (r) => [r.state, r.name],
    cursor: z.tuple([z.enum(IDENTITY_STATES), z.string().max(200)]),
    casts: ["identity_list_state", "text"],
  },
  last_used: {
    columns: `"list_last_used_at", "id"`,
    descending: true,
    key: (r) => [r.lastUsed.toISOString(), r.id],
    cursor: z.tuple([time, z.uuid()]),
    casts: ["timestamptz", "uuid"],
  },
  expiry: {
    columns: `"list_expires_at", "id"`,
    descending: false,
    key: (r) => [r.expires.toISOString(), r.id],
    cursor: z.tuple([time, z.uuid()]),
    casts: ["timestamptz", "uuid"],
  },
};

export const encodeCursor = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString("base64url");

/** A cursor is user input: anything that does not decode to this sort's key is ignored (the first page). */
function decodeCursor(spec: SortSpec, text: string | undefined): unknown[] | null {
  if (!text) return null;
  try {
    const parsed = spec.cursor.safeParse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Time-driven state changes (expiry, a stranded cached token) that came due are written before the team is read. */
export async function settleDueStates(teamId: string) {
  await preparedQuery(
    "identity-list-settle",
    `SELECT settle_identity_list(ARRAY(
       SELECT id FROM service_identities WHERE team_id = $1::uuid AND list_due_at <= now()))`,
    [teamId],
  );
}

const SELECTED = `${IDENTITY_ROW_SQL},
  si.list_state::text AS state, si.list_last_used_at AS "lastUsed", si.list_expires_at AS expires`;

async function pageOf(teamId: string, query: ListQuery, spec: SortSpec, cursor: unknown[] | null, forward: boolean) {
  const descending = spec.descending !== !forward;
  const values: unknown[] = [teamId];
  const param = (value: unknown, cast: string) => {
    values.push(value);
    return `$${values.length}::${cast}`;
  };
  const conditions = ["si.team_id = $1::uuid"];
  if (query.state) conditions.push(`si.list_state = ${param(query.state, "identity_list_state")}`);
  if (query.q) conditions.push(`si.name ILIKE ${param(`%${likeLiteral(query.q)}%`, "text")}`);
  const columns = spec.columns.split(", ").map((c) => `si.${c}`);
  if (cursor) {
    const bound = cursor.map((v, i) => param(v, spec.casts[i] ?? "text"));
    conditions.push(`(${columns.join(", ")}) ${descending ? "<" : ">"} (${bound.join(", ")})`);
  }
  const text = `SELECT ${SELECTED} FROM service_identities si LEFT JOIN grants g ON g.id = si.grant_id
    WHERE ${conditions.join(" AND ")}
    ORDER BY ${columns.map((c) => `${c} ${descending ? "DESC" : "ASC"}`).join(", ")}
    LIMIT ${PAGE_SIZE + 1}`;
  // One named statement per shape of query (sort × direction × filters): planned once per connection.
  const name = `identity-list-${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;
  const rows = await preparedQuery<ListedRow>(name, text, values);
  const more = rows.length > PAGE_SIZE;
  const page = rows.slice(0, PAGE_SIZE);
  return { page: forward ? page : page.reverse(), more };
}

const NO_EXPIRY = new Date("9999-12-31T00:00:00Z").getTime();

function present(row: ListedRow, now: Date) {
  const { state, attentionReason } = stateOf(row, grantOf(row), now);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    approvedByEmail: row.approvedByEmail,
    lastUsedAt: row.lastUsedAt,
    lastRefreshAt: row.lastRefreshAt,
    state,
    attentionReason,
    refreshTokenExpiry:
      row.expires.getTime() === NO_EXPIRY
        ? null
        : { at: row.expires, estimated: row.refreshTokenExpiresAt === null, assumed: !row.lifetimeLearned },
    // A sliding chain is renewed by every refresh the sweep makes, and an assumed end may not be one: only an
    // absolute end learned from Anaplan is worth a warning.
    expiryWarning:
      row.expires.getTime() === NO_EXPIRY || row.refreshLifetime !== "absolute" || !row.lifetimeLearned
        ? null
        : expiryWarning(row.expires, now, warningDaysFor(row.kind)),
  };
}

export type ListedIdentity = ReturnType<typeof present>;

export async function listIdentities(actor: Actor, teamSlug: string, query: ListQuery) {
  const { team, role } = await requireTeam(actor, teamSlug, "identity.view");
  await settleDueStates(team.id);
  const spec = SORTS[query.sort];
  const after = decodeCursor(spec, query.after);
  const before = after ? null : decodeCursor(spec, query.before);
  const forward = !before && !query.last;
  let { page, more } = await pageOf(team.id, query, spec, after ?? before, forward);
  let hasPrevious = forward ? after !== null : more;
  let hasNext = forward ? more : before !== null;
  if (before && !more && page.length < PAGE_SIZE) {
    // Walking back reached the start with a short page: show the real first page instead.
    ({ page, more } = await pageOf(team.id, query, spec, null, true));
    hasPrevious = false;
    hasNext = more;
  }
  const now = new Date();
  const first = page[0];
  const last = page.at(-1);
  return {
    team,
    role,
    identities: page.map((row) => present(row, now)),
    next: hasNext && last ? encodeCursor(spec.key(last)) : null,
    previous: hasPrevious && first ? encodeCursor(spec.key(first)) : null,
    /** A cursor past the end (an old link, a deleted row) gives an empty page; the page says so and links home. */
    beyondEnd: page.length === 0 && (after !== null || before !== null),
  };
}
