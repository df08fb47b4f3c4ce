// `npm run worker`: the portal's background work (enrolment polling, keep-alive, lapsed sessions) as its own
// process, for deployments whose app instances run with PORTAL_WORKER=0. See lib/server/boot.ts bootWorker().
import { bootWorker } from "@/lib/server/boot";

try {
  await bootWorker();
} catch (error) {
  console.error(`\nThe worker cannot start.\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
