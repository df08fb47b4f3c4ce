// Prometheus metrics (prom-client), served by GET /api/metrics. Counters and histograms are per process (Prometheus
// sums instances); gauges of shared state (identities by state, queue depth, sweep lag) are read from Postgres at
// scrape time, so every instance reports the same truth. No label ever holds an id, a name or a secret.
import "server-only";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { db } from "@/lib/platform/db";
import { secondsSince } from "@/lib/platform/heartbeat";

/** The gateway's: its calls by outcome, and the bytes it moved each way. */
function gatewayMetrics(registers: Registry[]) {
  return {
    gatewayCalls: new Counter({
      name: "portal_gateway_calls_total",
      help: "Gateway calls by method and outcome: Anaplan's status class (2xx, 4xx, 5xx), or the portal's error code.",
      labelNames: ["method", "outcome"] as const,
      registers,
    }),
    gatewayBytes: new Counter({
      name: "portal_gateway_bytes_total",
      help: "Body bytes through the gateway: in (from scripts to Anaplan) and out (from Anaplan to scripts).",
      labelNames: ["direction"] as const,
      registers,
    }),
  };
}

function create() {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    brokerRequests: new Counter({
      name: "portal_broker_requests_total",
      help: "Token broker requests by outcome: ok, or the error code answered.",
      labelNames: ["outcome"] as const,
      registers,
    }),
    ...gatewayMetrics(registers),
    workloadExchanges: new Counter({
      name: "portal_workload_exchanges_total",
      help: "Token exchanges of platform JWTs, by issuer host and outcome: ok, or the check that refused.",
      labelNames: ["issuer", "outcome"] as const,
      registers,
    }),
    refreshCalls: new Counter({
      name: "portal_refresh_calls_total",
      help: "Refresh-token calls to Anaplan by result: ok, transient (retried later) or final (needs attention).",
      labelNames: ["result"] as const,
      registers,
    }),
    refreshSeconds: new Histogram({
      name: "portal_refresh_duration_seconds",
      help: "How long Anaplan took to answer a refresh-token call.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    singleFlightWaits: new Counter({
      name: "portal_single_flight_waits_total",
      help: "Times a caller waited because another caller held the grant's refresh lease.",
      registers,
    }),
    webhookDeliveries: new Counter({
      name: "portal_webhook_deliveries_total",
      help: "Webhook delivery attempts by result: delivered, retrying or failed (given up).",
      labelNames: ["result"] as const,
      registers,
    }),
    identities: new Gauge({
      name: "portal_identities",
      help: "Service identities by state (all teams).",
      labelNames: ["state"] as const,
      registers,
      async collect() {
        const rows = await db().$queryRaw<{ state: string; n: number }[]>`
          SELECT list_state::text AS state, count(*)::int AS n FROM service_identities GROUP BY list_state`;
        this.reset();
        for (const { state, n } of rows) this.set({ state }, n);
      },
    }),
    queueDepth: new Gauge({
      name: "portal_queue_depth",
      help: "Background work that is due now: enrolments to poll, refreshes to retry, webhook deliveries to send.",
      labelNames: ["queue"] as const,
      registers,
      async collect() {
        const [row] = await db().$queryRaw<{ enrolments: number; refreshes: number; webhooks: number }[]>`
          SELECT (SELECT count(*)::int FROM enrolments WHERE status = 'pending' AND next_poll_at <= now()) AS enrolments,
                 (SELECT count(*)::int FROM grants WHERE status = 'active' AND next_attempt_at <= now()) AS refreshes,
                 (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now())
                   AS webhooks`;
        this.set({ queue: "enrolment_poll" }, row?.enrolments ?? 0);
        this.set({ queue: "refresh_retry" }, row?.refreshes ?? 0);
        this.set({ queue: "webhook_delivery" }, row?.webhooks ?? 0);
      },
    }),
    sweepLag: new Gauge({
      name: "portal_keep_alive_sweep_lag_seconds",
      help: "Seconds since the keep-alive sweep last completed on any instance (-1: never).",
      registers,
      async collect() {
        this.set((await secondsSince("keep_alive")) ?? -1);
      },
    }),
  };
}

const holder = globalThis as unknown as { __portalMetrics?: ReturnType<typeof create> };

export function metrics() {
  holder.__portalMetrics ??= create();
  return holder.__portalMetrics;
}
