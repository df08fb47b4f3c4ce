-- Transient refresh failures back off (with jitter) instead of hitting Anaplan on every request, and an outage that
-- outlives the cached access token shows as "needs attention" until Anaplan answers again.
ALTER TABLE "grants" ADD COLUMN "unreachable_since" TIMESTAMPTZ(3);
ALTER TABLE "grants" ADD COLUMN "next_attempt_at" TIMESTAMPTZ(3);
