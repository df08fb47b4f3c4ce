-- The health sweep's schedule: when each identity grant next needs the sweep (its refresh at about half its TTL,
-- its next check, or the retry after an outage), NULL meaning now. The claim reads this partial index, so a round
-- costs the grants that are due, not the whole fleet (at 100,000 identities, evaluating every grant's due-ness on
-- each round took longer than the round's work).
ALTER TABLE "grants" ADD COLUMN "sweep_after" TIMESTAMPTZ(3);
CREATE INDEX "grants_sweep_after_idx" ON "grants" ("sweep_after" NULLS FIRST)
  WHERE "status" = 'active' AND "kind" = 'identity';
