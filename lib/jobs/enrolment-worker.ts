// Polls due enrolments for pages nobody is watching (a closed tab, a restarted server). The work queue is the
// enrolments table itself: claims use a lease and SKIP LOCKED, so any number of instances can run this loop and
// a device code is still polled by one of them at a time. The loop only decides how often to look.
import { setTimeout as sleep } from "node:timers/promises";
import { pollDueEnrolments } from "@/lib/identities/enrol-poll";
import { log } from "@/lib/log";

export function startEnrolmentWorker(everyMs = 1000): () => Promise<void> {
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        await pollDueEnrolments({ limit: 10 });
      } catch (error) {
        log.warn("enrolment worker: a round failed; retrying", { error });
      }
      await sleep(everyMs);
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}
