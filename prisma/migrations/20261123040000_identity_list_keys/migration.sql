-- The dashboard pages through identities with keyset pagination, so every filter and sort needs an index. An
-- identity's state is derived from three tables (lib/identities/state.ts), which no index can cover, so the
-- derived state and the two sort keys that come from the grant are copied onto the identity row by triggers:
-- list_state, list_expires_at and list_last_used_at are a read model, never the source of truth.
-- Two states change by time alone (the refresh token expires; the cached access token runs out while Anaplan is
-- unreachable); list_due_at is the next such moment, and settle_identity_list() is run for due rows before a list
-- is read, so a filter is never stale.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Declared in the order "sort by state" shows: what needs a human first.
CREATE TYPE "identity_list_state" AS ENUM (
  'needs_attention', 'expired', 'enrolling', 'not_enrolled', 'active', 'deactivated', 'revoked'
);

ALTER TABLE "service_identities"
  ADD COLUMN "list_state" "identity_list_state" NOT NULL DEFAULT 'not_enrolled',
  ADD COLUMN "list_due_at" TIMESTAMPTZ(3),
  ADD COLUMN "list_expires_at" TIMESTAMPTZ(3) NOT NULL DEFAULT '9999-12-31 00:00:00+00',
  ADD COLUMN "list_last_used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT '1970-01-01 00:00:00+00';

-- The same rule as deriveState() and expiryOf() in TypeScript; tests/integration/identities.test.ts checks that
-- they agree for every state.
CREATE FUNCTION settle_identity_list(ids uuid[]) RETURNS void LANGUAGE sql AS $$
  UPDATE "service_identities" si
  SET "list_state" = c.state, "list_due_at" = c.due, "list_expires_at" = c.expires
  FROM (
    SELECT d.id, d.state,
      CASE WHEN d.state IN ('active', 'expired') THEN
        (SELECT min(t) FROM (VALUES (d.refresh_expires), (d.stranded_at)) v(t) WHERE t > now())
      END AS due,
      coalesce(d.refresh_expires, d.estimated_expires, '9999-12-31 00:00:00+00') AS expires
    FROM (
      SELECT s."id",
        CASE
          WHEN s."deactivated_at" IS NOT NULL THEN 'deactivated'
          WHEN EXISTS (SELECT 1 FROM "enrolments" e WHERE e."identity_id" = s."id" AND e."status" = 'pending')
            THEN 'enrolling'
          WHEN s."revoked_at" IS NOT NULL THEN 'revoked'
          WHEN g."id" IS NULL OR g."status" = 'revoked' THEN 'not_enrolled'
          WHEN g."status" = 'needs_attention'
            OR (g."unreachable_since" IS NOT NULL AND coalesce(g."access_token_expires_at" < now(), true))
            THEN 'needs_attention'
          WHEN g."refresh_token_expires_at" < now() THEN 'expired'
          ELSE 'active'
        END::"identity_list_state" AS state,
        g."refresh_token_expires_at" AS refresh_expires,
        CASE WHEN g."unreachable_since" IS NOT NULL THEN g."access_token_expires_at" END AS stranded_at,
        CASE WHEN g."id" IS NOT NULL AND s."rotatable" AND s."refresh_token_ttl_seconds" IS NOT NULL THEN
          CASE WHEN s."refresh_lifetime" = 'absolute' THEN g."created_at"
               ELSE coalesce(g."last_refresh_at", g."created_at") END
          + make_interval(secs => s."refresh_token_ttl_seconds")
        END AS estimated_expires
      FROM "service_identities" s LEFT JOIN "grants" g ON g."id" = s."grant_id"
      WHERE s."id" = ANY(ids)
    ) d
  ) c
  WHERE si."id" = c.id
    AND (si."list_state", si."list_due_at", si."list_expires_at") IS DISTINCT FROM (c.state, c.due, c.expires);
$$;

-- Inserts are settled once per statement (a createMany of thousands is one settle), updates once per row.
CREATE FUNCTION service_identities_settle_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM settle_identity_list(ARRAY(SELECT "id" FROM inserted));
  RETURN NULL;
END $$;
CREATE TRIGGER "service_identities_settle_inserted"
  AFTER INSERT ON "service_identities" REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION service_identities_settle_inserted();

CREATE FUNCTION service_identities_settle_list() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM settle_identity_list(ARRAY[NEW."id"]);
  RETURN NULL;
END $$;
CREATE TRIGGER "service_identities_settle_list"
  AFTER UPDATE OF "deactivated_at", "revoked_at", "grant_id", "rotatable", "refresh_token_ttl_seconds",
    "refresh_lifetime" ON "service_identities"
  FOR EACH ROW EXECUTE FUNCTION service_identities_settle_list();

CREATE FUNCTION service_identities_last_used_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."list_last_used_at" := coalesce(NEW."last_used_at", '1970-01-01 00:00:00+00');
  RETURN NEW;
END $$;
CREATE TRIGGER "service_identities_last_used_key"
  BEFORE INSERT OR UPDATE OF "last_used_at" ON "service_identities"
  FOR EACH ROW EXECUTE FUNCTION service_identities_last_used_key();

CREATE FUNCTION grants_settle_identity_list() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM settle_identity_list(ARRAY(SELECT "id" FROM "service_identities" WHERE "grant_id" = NEW."id"));
  RETURN NULL;
END $$;
CREATE TRIGGER "grants_settle_identity_list"
  AFTER UPDATE OF "status", "refresh_token_expires_at", "unreachable_since", "access_token_expires_at",
    "last_refresh_at" ON "grants"
  FOR EACH ROW EXECUTE FUNCTION grants_settle_identity_list();

CREATE FUNCTION enrolments_settle_identity_list() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM settle_identity_list(ARRAY[coalesce(NEW."identity_id", OLD."identity_id")]);
  RETURN NULL;
END $$;
CREATE TRIGGER "enrolments_settle_identity_list"
  AFTER INSERT OR DELETE OR UPDATE OF "status" ON "enrolments"
  FOR EACH ROW EXECUTE FUNCTION enrolments_settle_identity_list();

SELECT settle_identity_list(ARRAY(SELECT "id" FROM "service_identities"));
UPDATE "service_identities" SET "list_last_used_at" = "last_used_at" WHERE "last_used_at" IS NOT NULL;

-- One index per sort, with and without a state filter; names are unique per team, so they end the key alone.
CREATE INDEX "service_identities_team_id_list_state_name_idx" ON "service_identities"("team_id", "list_state", "name");
CREATE INDEX "service_identities_team_id_list_last_used_at_id_idx"
  ON "service_identities"("team_id", "list_last_used_at", "id");
CREATE INDEX "service_identities_team_id_list_state_list_last_used_at_id_idx"
  ON "service_identities"("team_id", "list_state", "list_last_used_at", "id");
CREATE INDEX "service_identities_team_id_list_expires_at_id_idx"
  ON "service_identities"("team_id", "list_expires_at", "id");
CREATE INDEX "service_identities_team_id_list_state_list_expires_at_id_idx"
  ON "service_identities"("team_id", "list_state", "list_expires_at", "id");
CREATE INDEX "service_identities_name_idx" ON "service_identities" USING GIN ("name" gin_trgm_ops);
-- Partial, so SQL only (schema.prisma cannot say WHERE): the few rows whose state is about to change by time.
CREATE INDEX "service_identities_list_due_at_idx" ON "service_identities"("list_due_at")
  WHERE "list_due_at" IS NOT NULL;
