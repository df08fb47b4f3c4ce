-- The team summary's per-state counts, kept by statement-level triggers on service_identities (one upsert per team
-- and state that a statement changes), so the dashboard reads a handful of rows instead of counting the team. Like
-- list_state, a read model the application never writes. No foreign key: a team's identities are deleted by cascade
-- before or after its counters, in either order, and a count that falls to zero is removed.
CREATE TABLE "identity_state_counts" (
  "team_id" UUID NOT NULL,
  "state" "identity_list_state" NOT NULL,
  "n" INTEGER NOT NULL,
  CONSTRAINT "identity_state_counts_pkey" PRIMARY KEY ("team_id", "state")
);

CREATE FUNCTION apply_identity_state_deltas(deltas jsonb) RETURNS void LANGUAGE sql AS $$
  -- In key order, so two statements touching the same counters lock them in the same order (no deadlock).
  INSERT INTO "identity_state_counts" ("team_id", "state", "n")
    SELECT (d->>'team_id')::uuid, (d->>'state')::"identity_list_state", (d->>'n')::int
    FROM jsonb_array_elements(deltas) d
    ORDER BY 1, 2
  ON CONFLICT ("team_id", "state") DO UPDATE SET "n" = "identity_state_counts"."n" + EXCLUDED."n";
  DELETE FROM "identity_state_counts" c
    USING jsonb_array_elements(deltas) d
    WHERE c."team_id" = (d->>'team_id')::uuid AND c."state" = (d->>'state')::"identity_list_state" AND c."n" = 0;
$$;

-- Inserted rows count up, deleted ones down: both triggers name their transition table "changed".
CREATE FUNCTION identity_state_counts_added_or_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sign int := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  PERFORM apply_identity_state_deltas(coalesce((
    SELECT jsonb_agg(jsonb_build_object('team_id', team_id, 'state', state, 'n', sign * n))
    FROM (SELECT "team_id", "list_state" AS state, count(*) AS n FROM changed GROUP BY 1, 2) s), '[]'));
  RETURN NULL;
END $$;
CREATE TRIGGER "identity_state_counts_inserted"
  AFTER INSERT ON "service_identities" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION identity_state_counts_added_or_removed();
CREATE TRIGGER "identity_state_counts_deleted"
  AFTER DELETE ON "service_identities" REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION identity_state_counts_added_or_removed();

CREATE FUNCTION identity_state_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM apply_identity_state_deltas(coalesce((
    SELECT jsonb_agg(jsonb_build_object('team_id', team_id, 'state', state, 'n', n))
    FROM (
      SELECT team_id, state, sum(delta) AS n FROM (
        SELECT o."team_id", o."list_state" AS state, -1 AS delta
          FROM old_rows o JOIN new_rows n ON n."id" = o."id"
          WHERE (o."team_id", o."list_state") IS DISTINCT FROM (n."team_id", n."list_state")
        UNION ALL
        SELECT n."team_id", n."list_state", 1
          FROM old_rows o JOIN new_rows n ON n."id" = o."id"
          WHERE (o."team_id", o."list_state") IS DISTINCT FROM (n."team_id", n."list_state")
      ) d GROUP BY 1, 2 HAVING sum(delta) <> 0) s), '[]'));
  RETURN NULL;
END $$;
CREATE TRIGGER "identity_state_counts_updated"
  AFTER UPDATE ON "service_identities" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION identity_state_counts_updated();

INSERT INTO "identity_state_counts" ("team_id", "state", "n")
  SELECT "team_id", "list_state", count(*) FROM "service_identities" GROUP BY 1, 2;
