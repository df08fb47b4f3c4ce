-- Name skeletons gain a last step (lib/platform/names.ts nameSkeleton): after case folding, "rn" reads as "m", "1", "i" and "|"
-- as "l", and "0" as "o", so "nightIy" (capital i) collides with "nightly". The stored skeletons were made by the
-- earlier steps, so the same last step in SQL gives exactly the new skeleton. Names that already exist side by side
-- and now collide keep theirs apart with their id appended (the older keeps the plain skeleton); new look-alikes of
-- either are refused. Each table is rewritten through unique placeholders, so no row meets another's old value.
CREATE FUNCTION pg_temp.lookalike_step(skeleton text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT translate(replace(skeleton, 'rn', 'm'), '1i|0', 'lllo')
$$;

CREATE TEMP TABLE "new_team_skeletons" ON COMMIT DROP AS
  SELECT "id", pg_temp.lookalike_step("name_skeleton")
    || CASE WHEN row_number() OVER (PARTITION BY pg_temp.lookalike_step("name_skeleton") ORDER BY "created_at", "id") = 1
            THEN '' ELSE '#' || "id" END AS skeleton
  FROM "teams";
UPDATE "teams" SET "name_skeleton" = '#' || "id";
UPDATE "teams" t SET "name_skeleton" = n.skeleton FROM "new_team_skeletons" n WHERE t."id" = n."id";

CREATE TEMP TABLE "new_identity_skeletons" ON COMMIT DROP AS
  SELECT "id", pg_temp.lookalike_step("name_skeleton")
    || CASE WHEN row_number() OVER (PARTITION BY "team_id", pg_temp.lookalike_step("name_skeleton")
                                    ORDER BY "created_at", "id") = 1
            THEN '' ELSE '#' || "id" END AS skeleton
  FROM "service_identities";
UPDATE "service_identities" SET "name_skeleton" = '#' || "id";
UPDATE "service_identities" s SET "name_skeleton" = n.skeleton FROM "new_identity_skeletons" n WHERE s."id" = n."id";
