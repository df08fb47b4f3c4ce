-- Teams and their members, service identities and their device-grant enrolments.

CREATE TYPE "team_role" AS ENUM ('admin', 'member');
CREATE TYPE "enrolment_status" AS ENUM ('pending', 'approved', 'mismatch', 'denied', 'expired', 'failed', 'cancelled');

CREATE TABLE "teams" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "teams_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "teams_slug_key" ON "teams"("slug");

CREATE TABLE "memberships" (
    "team_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "team_role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "memberships_pkey" PRIMARY KEY ("team_id", "user_id")
);
CREATE INDEX "memberships_user_id_idx" ON "memberships"("user_id");
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_team_id_fkey"
    FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey"
    FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "invites" (
    "id" UUID NOT NULL,
    "team_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "role" "team_role" NOT NULL,
    "invited_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "invites_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "invites_team_id_email_key" ON "invites"("team_id", "email");
CREATE INDEX "invites_email_idx" ON "invites"("email");
ALTER TABLE "invites" ADD CONSTRAINT "invites_team_id_fkey"
    FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "service_identities" (
    "id" UUID NOT NULL,
    "team_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "device_client_id" TEXT NOT NULL,
    "oauth_url" TEXT NOT NULL,
    "api_url" TEXT NOT NULL,
    "auth_url" TEXT NOT NULL,
    "rotatable" BOOLEAN NOT NULL DEFAULT true,
    "refresh_token_ttl_seconds" INTEGER,
    "expected_email" TEXT,
    "approved_by_anaplan_id" TEXT,
    "approved_by_email" TEXT,
    "grant_id" UUID,
    "owner_id" UUID,
    "created_by_id" UUID,
    "deactivated_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "service_identities_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "service_identities_team_id_name_key" ON "service_identities"("team_id", "name");
CREATE UNIQUE INDEX "service_identities_grant_id_key" ON "service_identities"("grant_id");
ALTER TABLE "service_identities" ADD CONSTRAINT "service_identities_team_id_fkey"
    FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "service_identities" ADD CONSTRAINT "service_identities_grant_id_fkey"
    FOREIGN KEY ("grant_id") REFERENCES "grants"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "enrolments" (
    "id" UUID NOT NULL,
    "identity_id" UUID NOT NULL,
    "status" "enrolment_status" NOT NULL DEFAULT 'pending',
    "device_code" BYTEA,
    "user_code" TEXT,
    "verification_uri" TEXT NOT NULL,
    "verification_uri_complete" TEXT,
    "interval_seconds" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "next_poll_at" TIMESTAMPTZ(3) NOT NULL,
    "poll_count" INTEGER NOT NULL DEFAULT 0,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "grant_id" UUID,
    "approved_by_anaplan_id" TEXT,
    "approved_by_email" TEXT,
    "error" TEXT,
    "started_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "enrolments_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "enrolments_grant_id_key" ON "enrolments"("grant_id");
CREATE INDEX "enrolments_identity_id_created_at_idx" ON "enrolments"("identity_id", "created_at");
CREATE INDEX "enrolments_status_next_poll_at_idx" ON "enrolments"("status", "next_poll_at");
-- Two tabs or two admins clicking "Enrol" at once get one device code, not two.
CREATE UNIQUE INDEX "enrolments_one_pending_per_identity" ON "enrolments"("identity_id") WHERE "status" = 'pending';
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_identity_id_fkey"
    FOREIGN KEY ("identity_id") REFERENCES "service_identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_grant_id_fkey"
    FOREIGN KEY ("grant_id") REFERENCES "grants"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "audit_events" ADD COLUMN "team_id" UUID;
CREATE INDEX "audit_events_team_id_at_idx" ON "audit_events"("team_id", "at");
