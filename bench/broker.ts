// `npm run bench:broker`: the token broker's cached path under load, beside a bare route handler of the same
// production build (GET /api/health/live, no database) measured in the same run. Prints requests/s and p50/p99 at
// 1, 16 and 64 concurrent clients and the broker/bare ratios, so figures compare across machines.
import os from "node:os";
import { performance } from "node:perf_hooks";
import { type Figures, percentile, startRig } from "./rig";

const PORT = 3190;
const SECONDS_PER_CASE = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = [1, 16, 64];

async function load(request: () => Promise<Response>, concurrency: number): Promise<Figures> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + SECONDS_PER_CASE * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      const response = await request();
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      if (!response.ok) errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / elapsed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors };
}

const rig = await startRig([PORT]);
const base = rig.bases[0];
try {
  const { key } = await rig.seedKey();
  const broker = () => fetch(`${base}/api/v1/token`, { method: "POST", headers: { Authorization: `Bearer ${key}` } });
  const bare = () => fetch(`${base}/api/health/live`);
  await load(broker, 4); // warm-up: JIT, connection pools, the first token.issue audit row
  await load(bare, 4);
  const rows = [];
  for (const concurrency of CONCURRENCY) {
    const b = await load(bare, concurrency);
    const t = await load(broker, concurrency);
    rows.push({
      clients: concurrency,
      "bare req/s": Math.round(b.rps),
      "broker req/s": Math.round(t.rps),
      "throughput ratio": Number((t.rps / b.rps).toFixed(2)),
      "bare p50 ms": Number(b.p50.toFixed(2)),
      "broker p50 ms": Number(t.p50.toFixed(2)),
      "bare p99 ms": Number(b.p99.toFixed(2)),
      "broker p99 ms": Number(t.p99.toFixed(2)),
      "p99 ratio": Number((t.p99 / b.p99).toFixed(2)),
      errors: b.errors + t.errors,
    });
  }
  console.info(
    `Token broker, cached path, ${SECONDS_PER_CASE} s per case, ${os.cpus().length} cores (targets: throughput ratio ≥ 0.7, p99 ratio ≤ 2)`,
  );
  const columns = Object.keys(rows[0] ?? {});
  console.info(columns.join(" | "));
  for (const row of rows) console.info(Object.values(row).join(" | "));
} finally {
  await rig.stop();
  process.exit(0);
}
