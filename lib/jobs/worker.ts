// Background work for pages nobody is watching: polling due enrolments (a closed tab, a restarted server), keeping
// identity grants alive, re-checking signed-in users' standing at Anaplan, revoking the grants of sessions that ended without a sign-out, and clearing spent
// rate-limit windows. The queues are the tables themselves — claims use leases and SKIP LOCKED, revocation locks
// the grant — so any number of instances can run this loop safely; it only decides how often to look.
import { setTimeout as sleep } from "node:timers/promises";
import { pruneHandedOut } from "@/lib/anaplan-auth/handed-out";
import { pollDueEnrolments } from "@/lib/enrolments/poll";
import { pruneGatewayCalls } from "@/lib/gateway/record";
import { refreshDueIdentityGrants } from "@/lib/identities/keep-alive";
import { pruneUsage } from "@/lib/identities/usage";
import { deliverDueWebhooks } from "@/lib/notify/deliver";
import { sendEmailDigests } from "@/lib/notify/email";
import { announceExpiries } from "@/lib/notify/expiring";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { pruneRateWindows } from "@/lib/platform/rate-limit";
import { endLapsedSessions } from "@/lib/users/sessions";
import { checkSessionStanding } from "@/lib/users/standing";
import { pruneSpentTokens } from "@/lib/workloads/verify";
import { beat } from "../platform/heartbeat";

const SWEEP_BATCH = 200;
const SESSION_BATCH = 100;

/** Sweep rounds until one comes back short: nothing more is due, or the Anaplan call budget is spent. */
async function drainSweep() {
  while ((await refreshDueIdentityGrants(SWEEP_BATCH)) === SWEEP_BATCH) {}
}

/** Runs `work` every `everyMs` until stopped; a failed round is logged and retried at the next. */
function every(name: string, everyMs: number, work: () => Promise<void>) {
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        await work();
      } catch (error) {
        log.warn(`background worker: a ${name} round failed; retrying`, { error });
      }
      if (running) await sleep(everyMs);
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}

/**
 * Two loops, so a long sweep never holds up an enrolment or a webhook: a fast one for enrolments, webhooks and
 * email, and the keep-alive one every KEEP_ALIVE_INTERVAL_SECONDS.
 */
export function startWorker(everyMs = 1000): () => Promise<void> {
  const stops = [
    every("delivery", everyMs, async () => {
      await pollDueEnrolments({ limit: 10 });
      await deliverDueWebhooks();
      await sendEmailDigests();
    }),
    every("keep-alive", env().KEEP_ALIVE_INTERVAL_SECONDS * 1000, async () => {
      await drainSweep();
      while ((await checkSessionStanding(SESSION_BATCH)) === SESSION_BATCH) {}
      await announceExpiries();
      await endLapsedSessions();
      await pruneRateWindows();
      await pruneUsage();
      await pruneHandedOut();
      await pruneGatewayCalls(env().GATEWAY_LOG_DAYS);
      await pruneSpentTokens();
      await beat("keep_alive");
    }),
  ];
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}
