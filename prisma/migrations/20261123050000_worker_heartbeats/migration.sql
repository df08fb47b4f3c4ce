-- When each kind of background work last completed a round, whichever instance ran it: /api/health reports the
-- keep-alive sweep's age and /api/metrics its lag, the same on every instance.
CREATE TABLE "worker_heartbeats" (
    "job" TEXT NOT NULL,
    "last_run_at" TIMESTAMPTZ(3) NOT NULL,
    "instance" TEXT NOT NULL,
    CONSTRAINT "worker_heartbeats_pkey" PRIMARY KEY ("job")
);
