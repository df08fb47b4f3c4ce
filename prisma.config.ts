import { defineConfig } from "prisma/config";

// Migrations are applied by the project's own runner (lib/platform/db/migrate.ts); this config serves `prisma generate`
// and, on a machine that can reach Prisma's binaries, `prisma migrate status`.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
