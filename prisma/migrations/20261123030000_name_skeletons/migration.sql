-- Names that look alike are the same name: a skeleton (confusables folded, dashes unified, case ignored) is stored
-- beside each team and identity name under a unique index. The portal computes it (lib/platform/names.ts); rows that exist
-- already get their lower-cased name, and an earlier duplicate keeps its row id appended so the index can be built.
ALTER TABLE "teams" ADD COLUMN "name_skeleton" TEXT;
UPDATE "teams" SET "name_skeleton" = lower("name");
UPDATE "teams" t SET "name_skeleton" = t."name_skeleton" || ' #' || t."id"
FROM (SELECT "id", row_number() OVER (PARTITION BY "name_skeleton" ORDER BY "created_at", "id") AS rn FROM "teams") d
WHERE d."id" = t."id" AND d.rn > 1;
ALTER TABLE "teams" ALTER COLUMN "name_skeleton" SET NOT NULL;
CREATE UNIQUE INDEX "teams_name_skeleton_key" ON "teams"("name_skeleton");

ALTER TABLE "service_identities" ADD COLUMN "name_skeleton" TEXT;
UPDATE "service_identities" SET "name_skeleton" = lower("name");
UPDATE "service_identities" s SET "name_skeleton" = s."name_skeleton" || ' #' || s."id"
FROM (SELECT "id", row_number() OVER (PARTITION BY "team_id", "name_skeleton" ORDER BY "created_at", "id") AS rn
      FROM "service_identities") d
WHERE d."id" = s."id" AND d.rn > 1;
ALTER TABLE "service_identities" ALTER COLUMN "name_skeleton" SET NOT NULL;
CREATE UNIQUE INDEX "service_identities_team_id_name_skeleton_key" ON "service_identities"("team_id", "name_skeleton");
