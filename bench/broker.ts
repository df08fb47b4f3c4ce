// `npm run bench:broker`: the token broker's cached path under load, beside a bare route handler of the same
// production build (GET /api/health/live, no database) measured in the same run, and the keyless path (an RFC 8693
// exchange of a platform JWT, JWKS cache warm) beside the API-key path. Prints requests/s and p50/p99 at 1, 16 and
// 64 concurrent clients and the ratios, so figures compare across machines.
import os from "node:os";
import { performance } from "node:perf_hooks";
import { closeIssuers, githubClaims, startIssuer } from "../tests/helpers/oidc-issuer";
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

const rig = await startRig([PORT], { WORKLOAD_ISSUER_ALLOW_HTTP: "1" });
const base = rig.bases[0] ?? "";
const issuer = await startIssuer();
try {
  const { key, identityId } = await rig.seedKey();
  const broker = () => fetch(`${base}/api/v1/token`, { method: "POST", headers: { Authorization: `Bearer ${key}` } });
  const bare = () => fetch(`${base}/api/health/live`);
  const { publishEnv } = await import("@/lib/platform/env");
  publishEnv({ WORKLOAD_ISSUER_ALLOW_HTTP: "1" });
  const { addPolicy } = await import("@/lib/workloads/policies");
  const { policyFields } = await import("@/lib/workloads/schemas");
  const { db } = await import("@/lib/platform/db");
  const user = await db().user.findFirstOrThrow({ where: { email: "b@x.example" } });
  await addPolicy(
    { userId: user.id, isPortalAdmin: false },
    "bench",
    identityId,
    policyFields.parse({
      name: "bench",
      preset: "github",
      issuer: issuer.issuer,
      audience: base,
      conditions: "repository=acme/etl",
    }),
  );
  const form = new URLSearchParams({
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    subject_token: await issuer.mint(githubClaims("acme/etl"), { audience: base, expiresIn: 3600 }),
    audience: identityId,
  }).toString();
  const exchange = () =>
    fetch(`${base}/api/v1/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form,
    });
  await load(broker, 4); // warm-up: JIT, connection pools, the first token.issue audit row
  await load(bare, 4);
  await load(exchange, 4); // and the issuer's JWKS, fetched once
  const rows = [];
  for (const concurrency of CONCURRENCY) {
    const b = await load(bare, concurrency);
    const t = await load(broker, concurrency);
    const x = await load(exchange, concurrency);
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
      "exchange req/s": Math.round(x.rps),
      "exchange/key ratio": Number((x.rps / t.rps).toFixed(2)),
      "exchange p99 ms": Number(x.p99.toFixed(2)),
      errors: b.errors + t.errors + x.errors,
    });
  }
  console.info(
    `Token broker, cached path, ${SECONDS_PER_CASE} s per case, ${os.cpus().length} cores (targets: throughput ratio ≥ 0.7, p99 ratio ≤ 2, exchange/key ≥ 0.5)`,
  );
  const columns = Object.keys(rows[0] ?? {});
  console.info(columns.join(" | "));
  for (const row of rows) console.info(Object.values(row).join(" | "));
  console.info(
    `JWKS fetches during the run: ${issuer.jwksFetches()} (once per issuer and key rotation, never per call)`,
  );
} finally {
  await closeIssuers();
  await rig.stop();
  process.exit(0);
}
