-- Whether a Rotatable client's refresh tokens keep the chain's first deadline (absolute) or get a fresh TTL at each
-- rotation (sliding) is not documented by Anaplan; the portal learns it per OAuth client from what Anaplan does
-- (lib/grants/lifetime.ts). Identities of a client take its learned lifetime, and until one is learned they assume
-- absolute with lifetime_learned = false (shown as an assumption, never as an alarm). Both are kept here in SQL, so
-- no identity row can disagree with what was learned.
CREATE TABLE "oauth_client_lifetimes" (
  "oauth_url" TEXT NOT NULL,
  "client_id" TEXT NOT NULL,
  "lifetime" "refresh_lifetime" NOT NULL,
  "evidence" TEXT NOT NULL,
  "learned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "oauth_client_lifetimes_pkey" PRIMARY KEY ("oauth_url", "client_id")
);

ALTER TABLE "service_identities" ADD COLUMN "lifetime_learned" BOOLEAN NOT NULL DEFAULT false;

-- An identity created, or moved to another client or host, takes what is known of that client.
CREATE FUNCTION service_identities_take_learned_lifetime() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT l."lifetime", true INTO NEW."refresh_lifetime", NEW."lifetime_learned"
    FROM "oauth_client_lifetimes" l
    WHERE l."oauth_url" = NEW."oauth_url" AND l."client_id" = NEW."device_client_id";
  IF NOT FOUND THEN
    NEW."refresh_lifetime" := 'absolute';
    NEW."lifetime_learned" := false;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "service_identities_take_learned_lifetime"
  BEFORE INSERT OR UPDATE OF "device_client_id", "oauth_url" ON "service_identities"
  FOR EACH ROW EXECUTE FUNCTION service_identities_take_learned_lifetime();

-- What is learned reaches every identity of the client, and the recorded end of each of their chains.
CREATE FUNCTION oauth_client_lifetimes_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "grants" g SET "refresh_token_expires_at" =
      CASE WHEN NEW."lifetime" = 'absolute' THEN g."created_at" ELSE coalesce(g."last_refresh_at", g."created_at") END
      + make_interval(secs => s."refresh_token_ttl_seconds")
    FROM "service_identities" s
    WHERE s."grant_id" = g."id" AND s."oauth_url" = NEW."oauth_url" AND s."device_client_id" = NEW."client_id"
      AND s."rotatable" AND s."refresh_token_ttl_seconds" IS NOT NULL AND g."status" <> 'revoked';
  UPDATE "service_identities" SET "refresh_lifetime" = NEW."lifetime", "lifetime_learned" = true
    WHERE "oauth_url" = NEW."oauth_url" AND "device_client_id" = NEW."client_id"
      AND ("refresh_lifetime", "lifetime_learned") IS DISTINCT FROM (NEW."lifetime", true);
  RETURN NULL;
END $$;
CREATE TRIGGER "oauth_client_lifetimes_apply"
  AFTER INSERT OR UPDATE ON "oauth_client_lifetimes"
  FOR EACH ROW EXECUTE FUNCTION oauth_client_lifetimes_apply();

-- The team summary's "next ends": only chains of a client learned to be absolute, soonest first. Partial, so a team
-- of 100,000 identities whose lifetime is not known yet costs nothing to ask (lib/identities/summary.ts matches the
-- predicate literally).
CREATE INDEX "service_identities_learned_absolute_ends_idx" ON "service_identities" ("team_id", "list_expires_at", "id")
  WHERE "list_state" = 'active' AND "refresh_lifetime" = 'absolute' AND "lifetime_learned";
