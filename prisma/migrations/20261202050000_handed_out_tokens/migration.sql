-- The Anaplan-compatible auth service (/anaplan-auth) hands scripts the access token of their key's identity. A
-- later token/refresh, validate or logout must present a token the portal handed out: only its SHA-256 is kept,
-- with the key and when the token expires, never the token itself. Rows outlive their token by a day, then the
-- worker prunes them.
CREATE TABLE "handed_out_tokens" (
  "token_hash" BYTEA NOT NULL,
  "id" UUID NOT NULL,
  "key_id" UUID NOT NULL,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "handed_out_tokens_pkey" PRIMARY KEY ("token_hash"),
  CONSTRAINT "handed_out_tokens_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "handed_out_tokens_key_id_idx" ON "handed_out_tokens"("key_id");
CREATE INDEX "handed_out_tokens_expires_at_idx" ON "handed_out_tokens"("expires_at");

-- token/validate answers with the Anaplan user and customer that approved the identity's enrolment.
ALTER TABLE "service_identities" ADD COLUMN "approved_by_customer_id" TEXT;
ALTER TABLE "enrolments" ADD COLUMN "approved_by_customer_id" TEXT;
