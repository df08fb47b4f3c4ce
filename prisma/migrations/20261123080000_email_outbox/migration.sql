-- Events waiting to be mailed to a team's admins (lib/notify/email.ts). The worker sends each team's waiting events
-- as one digest, so a team-wide revocation of fifty identities is one mail, not fifty.
CREATE TABLE "email_outbox" (
    "id" UUID NOT NULL,
    "team_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "subject_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimed_until" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sent_at" TIMESTAMPTZ(3),
    CONSTRAINT "email_outbox_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "email_outbox_sent_at_created_at_idx" ON "email_outbox"("sent_at", "created_at");
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_team_id_fkey"
  FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;
