-- Scripts get tokens: API keys per identity, a rate-limit counter shared by every instance, identities that can be
-- revoked for good, and an audit trail that records who (user or key), from where, with what browser or client.

ALTER TABLE "service_identities" ADD COLUMN "revoked_at" TIMESTAMPTZ(3);

-- Only the lookup id and a SHA-256 of the secret are stored; the key itself is shown once, at creation.
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "identity_id" UUID NOT NULL,
    "lookup_id" TEXT NOT NULL,
    "secret_hash" BYTEA NOT NULL,
    "name" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "last_used_ip" TEXT,
    "last_issued_grant_id" UUID,
    "last_issued_generation" INTEGER,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by_id" UUID,
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "api_keys_lookup_id_key" ON "api_keys"("lookup_id");
CREATE INDEX "api_keys_identity_id_created_at_idx" ON "api_keys"("identity_id", "created_at");
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_identity_id_fkey"
    FOREIGN KEY ("identity_id") REFERENCES "service_identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Fixed one-minute windows, one row per (bucket, window): an upsert counts atomically across instances.
-- UNLOGGED: a counter needs no WAL or crash safety (after a crash the windows simply start again), and the broker
-- writes one per request, so it must not wait for a WAL flush.
CREATE UNLOGGED TABLE "rate_limit_counters" (
    "bucket" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "rate_limit_counters_pkey" PRIMARY KEY ("bucket", "window_start")
);
CREATE INDEX "rate_limit_counters_window_start_idx" ON "rate_limit_counters"("window_start");

ALTER TABLE "audit_events" ADD COLUMN "actor_api_key_id" UUID;
ALTER TABLE "audit_events" ADD COLUMN "user_agent" TEXT;
-- Keyset pagination, newest first: by id within a team, and by target within a team.
CREATE INDEX "audit_events_team_id_id_idx" ON "audit_events"("team_id", "id");
CREATE INDEX "audit_events_target_id_id_idx" ON "audit_events"("target_id", "id");
