-- The health sweep's claim and schedule: when a grant was last taken by a sweep (to refresh it, or to validate its
-- cached access token). A claimed grant is skipped by every other instance for a minute, so each is handled once.
ALTER TABLE "grants" ADD COLUMN "checked_at" TIMESTAMPTZ(3);
CREATE INDEX "grants_status_checked_at_idx" ON "grants"("status", "checked_at");
