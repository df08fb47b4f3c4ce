-- `sweep_after` now schedules and claims the sweep's work; `checked_at` was only written, never read, and its index
-- was maintained on every claim for nothing.
DROP INDEX "grants_status_checked_at_idx";
ALTER TABLE "grants" DROP COLUMN "checked_at";
