-- Which expiry warning was last announced (identity.expiring / key.expiring events), so each threshold of
-- EXPIRY_WARNING_DAYS is announced once per refresh-token chain or key, however many instances sweep.
ALTER TABLE "service_identities" ADD COLUMN "expiry_warned_days" INTEGER,
  ADD COLUMN "expiry_warned_for" TIMESTAMPTZ(3);
ALTER TABLE "api_keys" ADD COLUMN "expiry_warned_days" INTEGER;
