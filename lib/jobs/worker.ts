// Background work for pages nobody is watching: polling due enrolments (a closed tab, a restarted server), keeping
// identity grants alive, revoking the grants of sessions that ended without a sign-out, and clearing spent
// rate-limit windows. The queues are the tables themselves — claims use leases and SKIP LOCKED, revocation locks
// the grant — so any number of instances can run this loop safely; it only decides how often to look.
import { setTimeout as sleep } from "node:timers/promises";
import { pollDueEnrolments } from "@/lib/identities/enrol-poll";
import { refreshDueIdentityGrants } from "@/lib/identities/keep-alive";
import { pruneUsage } from "@/lib/identities/usage";
import { log } from "@/lib/log";
import { deliverDueWebhooks } from "@/lib/notify/deliver";
import { sendEmailDigests } from "@/lib/notify/email";
import { announceExpiries } from "@/lib/notify/expiring";
import { pruneRateWindows } from "@/lib/rate-limit";
import { endLapsedSessions } from "@/lib/users/sessions";
import { beat } from "./heartbeat";

const KEEP_ALIVE_EVERY = 60;

export function startWorker(everyMs = 1000): () => Promise<void> {
  let running = true;
  const done = (async () => {
    for (let round = 0; running; round++) {
      try {
        await pollDueEnrolments({ limit: 10 });
        await deliverDueWebhooks();
        await sendEmailDigests();
        if (round % KEEP_ALIVE_EVERY === 0) {
          await refreshDueIdentityGrants();
          await announceExpiries();
          await endLapsedSessions();
          await pruneRateWindows();
          await pruneUsage();
          await beat("keep_alive");
        }
      } catch (error) {
        log.warn("background worker: a round failed; retrying", { error });
      }
      await sleep(everyMs);
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}
