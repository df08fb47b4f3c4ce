// Readiness for load balancers and operators: the database answers, the key ring opens, and when the keep-alive
// sweep last completed on any instance. It never says how anything is configured.
import { db } from "@/lib/platform/db";
import { KEEP_ALIVE_STALE_SECONDS, secondsSince } from "@/lib/platform/heartbeat";
import { log } from "@/lib/platform/log";
import { keyRingReady } from "@/lib/vault";

export const dynamic = "force-dynamic";

const headers = { "Cache-Control": "no-store" };

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function GET() {
  const keyRing = (await keyRingReady()) ? "ok" : "error";
  let sweepAge: number | null;
  try {
    await withTimeout(db().$queryRaw`SELECT 1`, 3000);
    sweepAge = await withTimeout(secondsSince("keep_alive"), 3000);
  } catch (error) {
    log.warn("health check: database unreachable", { error });
    return Response.json(
      { status: "error", db: "unreachable", keyRing, reason: "the database did not answer" },
      { status: 503, headers },
    );
  }
  // A stalled sweep does not stop this instance serving (tokens are refreshed on demand); it is reported, not fatal.
  const worker = sweepAge === null ? "not yet run" : sweepAge > KEEP_ALIVE_STALE_SECONDS ? "stalled" : "ok";
  const status = keyRing === "ok" ? (worker === "stalled" ? "degraded" : "ok") : "error";
  return Response.json(
    {
      status,
      db: "ok",
      keyRing,
      worker,
      lastSweepSecondsAgo: sweepAge === null ? null : Math.round(sweepAge),
    },
    { status: keyRing === "ok" ? 200 : 503, headers },
  );
}
