// The webhook events, one table: which audited action causes each (and when), what its payload adds to the common
// fields (team_id, and identity_id or target_id), and the words the email digest uses. The outbox, the digest, the
// notifications page and docs/operations.md (checked by a test) all read it; adding an event is a row here.
import type { AuditAction, Outcome, TargetType } from "./vocabulary";

/** What an event is derived from: the audit row as written. */
export type Audited = {
  action: AuditAction;
  outcome: Outcome;
  teamId: string | null;
  targetType: TargetType | null;
  targetId: string | null;
  details: Record<string, unknown>;
};

type EventSpec = {
  /** The action that causes it; null for an event sent by hand (the test event). */
  from: AuditAction | null;
  when: (entry: Audited) => boolean;
  payload: (entry: Audited) => Record<string, unknown>;
  /** Completes "<identity name> …" in the email digest. */
  words: string;
};

const succeeded = (entry: Audited) => entry.outcome === "success";
const nothingMore = () => ({});
const expiring = (entry: Audited) => ({
  within_days: entry.details.withinDays ?? null,
  ends_at: entry.details.endsAt ?? null,
});

export const WEBHOOK_EVENTS = {
  "identity.needs_attention": {
    from: "grant.refresh",
    when: (e) => e.outcome === "failure" && e.targetType === "identity",
    payload: (e) => ({ reason_kind: e.details.kind ?? null }),
    words: "needs attention (a refresh failed for good; enrol it again)",
  },
  "enrolment.completed": {
    from: "enrolment.complete",
    when: succeeded,
    payload: nothingMore,
    words: "finished enrolment and is active",
  },
  "identity.recovered": {
    from: "enrolment.complete",
    when: (e) => succeeded(e) && Boolean(e.details.recovered),
    payload: nothingMore,
    words: "is back in service",
  },
  "identity.expiring": {
    from: "identity.expiring",
    when: succeeded,
    payload: expiring,
    words: "reaches the end of its refresh-token chain soon: enrol it again before then",
  },
  "key.expiring": {
    from: "key.expiring",
    when: succeeded,
    payload: (e) => ({ ...expiring(e), identity_id: e.details.identityId ?? null }),
    words: "has an API key that expires soon",
  },
  "identity.deactivated": {
    from: "identity.deactivate",
    when: succeeded,
    payload: nothingMore,
    words: "was deactivated",
  },
  "identity.revoked": {
    from: "identity.revoke",
    when: succeeded,
    payload: nothingMore,
    words: "was revoked (its tokens are destroyed)",
  },
  "webhook.test": { from: null, when: () => false, payload: nothingMore, words: "test event" },
} as const satisfies Record<string, EventSpec>;

export type EventType = keyof typeof WEBHOOK_EVENTS;
export const EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as EventType[];

/** The events an audit row causes, in table order, each with its payload's data. */
export function eventsOf(entry: Audited): { type: EventType; data: Record<string, unknown> }[] {
  if (!entry.teamId) return [];
  return EVENT_TYPES.flatMap((type) => {
    const spec: EventSpec = WEBHOOK_EVENTS[type];
    if (spec.from !== entry.action || !spec.when(entry)) return [];
    const subject = entry.targetType === "identity" ? "identity_id" : "target_id";
    return [{ type, data: { team_id: entry.teamId, [subject]: entry.targetId, ...spec.payload(entry) } }];
  });
}

/** The body every delivery signs and sends. */
export const webhookBody = (type: EventType, data: Record<string, unknown>) => ({
  type,
  timestamp: new Date().toISOString(),
  data,
});
