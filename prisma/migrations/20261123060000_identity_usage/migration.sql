-- Requests per identity per hour, counted by the broker's one statement (lib/broker/caller.ts) for every call made
-- with a live key: an aggregate that stays small (at most 24 rows per identity a day, pruned after 8 days) instead of
-- a count over audit rows.
CREATE TABLE "identity_usage" (
    "identity_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "requests" INTEGER NOT NULL,
    CONSTRAINT "identity_usage_pkey" PRIMARY KEY ("identity_id","hour")
);
ALTER TABLE "identity_usage" ADD CONSTRAINT "identity_usage_identity_id_fkey"
  FOREIGN KEY ("identity_id") REFERENCES "service_identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "identity_usage_hour_idx" ON "identity_usage"("hour");
