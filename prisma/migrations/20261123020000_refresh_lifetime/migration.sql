-- Whether a rotated refresh token gets a fresh TTL (sliding) or keeps the first one's deadline (absolute). Anaplan
-- does not say; absolute is the conservative default. The chain's start is the grant row's created_at.
CREATE TYPE "refresh_lifetime" AS ENUM ('absolute', 'sliding');
ALTER TABLE "service_identities" ADD COLUMN "refresh_lifetime" "refresh_lifetime" NOT NULL DEFAULT 'absolute';
