-- Certificate identities (CA-certificate authentication at {auth host}/token/authenticate): the portal holds the
-- account's RSA key, sealed like every secret, and signs each nonce itself. A certificate identity's grant holds no
-- refresh token: its cached AnaplanAuthToken is refreshed by authenticating again, under the same lease, and its
-- "refresh_token_expires_at" is the certificate's notAfter, so the list, the forecast and the warnings read it as
-- the end of the chain.
CREATE TYPE "identity_kind" AS ENUM ('device_grant', 'certificate');
CREATE TYPE "certificate_format" AS ENUM ('v2', 'v1');
CREATE TYPE "grant_method" AS ENUM ('oauth', 'certificate');
CREATE TYPE "certificate_status" AS ENUM ('pending', 'active', 'retired');

ALTER TABLE "service_identities"
  ADD COLUMN "kind" "identity_kind" NOT NULL DEFAULT 'device_grant',
  -- v1 (no timestamp) only for tenants that still require it; Anaplan requires v2 since 2026.
  ADD COLUMN "certificate_format" "certificate_format" NOT NULL DEFAULT 'v2';
ALTER TABLE "grants" ADD COLUMN "method" "grant_method" NOT NULL DEFAULT 'oauth';

-- One key pair of an identity. pending: made (or imported) and waiting for its certificate; active: the one the
-- identity's grant signs with (grant_id); retired: replaced or revoked, its sealed key overwritten with NULL.
CREATE TABLE "certificates" (
  "id" UUID NOT NULL,
  "identity_id" UUID NOT NULL,
  "grant_id" UUID,
  "status" "certificate_status" NOT NULL DEFAULT 'pending',
  "imported" BOOLEAN NOT NULL DEFAULT false,
  -- PKCS#8 DER sealed by the vault, AAD certificates:<id>:private_key.
  "private_key" BYTEA,
  "csr_pem" TEXT,
  "certificate_pem" TEXT,
  "chain_pem" TEXT,
  "email" TEXT,
  "subject" TEXT,
  "issuer" TEXT,
  "fingerprint" TEXT,
  "not_before" TIMESTAMPTZ(3),
  "not_after" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "activated_at" TIMESTAMPTZ(3),
  "retired_at" TIMESTAMPTZ(3),
  CONSTRAINT "certificates_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "certificates_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "service_identities"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT "certificates_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "grants"("id") ON DELETE SET NULL ON UPDATE CASCADE,
  -- A live key is never without its seal, a retired one never keeps it.
  CONSTRAINT "certificates_key_custody" CHECK (("status" = 'retired') = ("private_key" IS NULL))
);
CREATE INDEX "certificates_identity_id_idx" ON "certificates"("identity_id");
CREATE INDEX "certificates_grant_id_idx" ON "certificates"("grant_id");
-- At most one key waiting for a certificate and one in use per identity.
CREATE UNIQUE INDEX "certificates_one_pending" ON "certificates"("identity_id") WHERE "status" = 'pending';
CREATE UNIQUE INDEX "certificates_one_active" ON "certificates"("identity_id") WHERE "status" = 'active';

-- A certificate's end is absolute and known from the start: certificate identities count as learned-absolute, so
-- the team summary's "next ends" and the expiry announcements include them.
CREATE OR REPLACE FUNCTION service_identities_take_learned_lifetime() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."kind" = 'certificate' THEN
    NEW."refresh_lifetime" := 'absolute';
    NEW."lifetime_learned" := true;
    RETURN NEW;
  END IF;
  SELECT l."lifetime", true INTO NEW."refresh_lifetime", NEW."lifetime_learned"
    FROM "oauth_client_lifetimes" l
    WHERE l."oauth_url" = NEW."oauth_url" AND l."client_id" = NEW."device_client_id";
  IF NOT FOUND THEN
    NEW."refresh_lifetime" := 'absolute';
    NEW."lifetime_learned" := false;
  END IF;
  RETURN NEW;
END $$;
