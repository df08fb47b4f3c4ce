// `npm run bench:storm`: a refresh storm. An identity's cached access token has just expired and 500 scripts ask for
// it at once, split across 2 portal instances (production builds on one database). The single-flight lease must
// let exactly one of them call Anaplan; everyone else waits for that refresh. Prints, per storm, the provider calls,
// errors and the latency distribution, beside one simulator refresh round trip and the same burst while the cached
// token is still fresh (no refresh at all), both measured in the same run.
import { performance } from "node:perf_hooks";
import { percentile, startRig } from "./rig";

const CALLS = Number(process.env.STORM_CALLS ?? 500);
const STORMS = Number(process.env.STORMS ?? 3);

const rig = await startRig([3191, 3192]);
try {
  const { key, grantId, clientId, endpoints } = await rig.seedKey();
  const { db } = await import("@/lib/platform/db");
  const { refreshAccessToken } = await import("@/lib/anaplan");
  const { simulatorOperator } = await import("@/simulator/operator-client");
  const operator = simulatorOperator(rig.sim.url);
  const refreshes = async () => (await operator.counters()).token[clientId]?.refresh_token ?? 0;

  // One round trip to the simulator, as the portal makes it (its own HTTP client), median of 20.
  const { refreshTokens } = await operator.mint(clientId, "service", 20);
  const trips: number[] = [];
  for (const refreshToken of refreshTokens) {
    const started = performance.now();
    await refreshAccessToken(endpoints, { clientId, refreshToken });
    trips.push(performance.now() - started);
  }
  const roundTrip = percentile(
    trips.sort((a, b) => a - b),
    0.5,
  );

  const ask = (i: number) =>
    fetch(`${rig.bases[i % rig.bases.length]}/api/v1/token`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}` },
    });
  for (let i = 0; i < 20; i++) await (await ask(i)).arrayBuffer(); // warm both instances

  console.info(
    `refresh storm: ${CALLS} concurrent broker calls over 2 instances; one simulator refresh round trip ${roundTrip.toFixed(1)} ms`,
  );
  console.info("storm | provider calls | errors | p50 ms | p90 ms | p99 ms | max ms");
  let ok = true;
  const storm = async (label: string, expire: boolean) => {
    if (expire) {
      await db().grant.update({ where: { id: grantId }, data: { accessTokenExpiresAt: new Date(Date.now() - 1000) } });
    }
    const before = await refreshes();
    const latencies: number[] = [];
    let errors = 0;
    await Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        const started = performance.now();
        const response = await ask(i);
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
        if (!response.ok) errors++;
      }),
    );
    const calls = (await refreshes()) - before;
    ok &&= calls === (expire ? 1 : 0) && errors === 0;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => percentile(latencies, q).toFixed(1);
    console.info([label, calls, errors, at(0.5), at(0.9), at(0.99), latencies.at(-1)?.toFixed(1)].join(" | "));
  };
  await storm("token fresh (baseline)", false);
  for (let n = 1; n <= STORMS; n++) await storm(`token expired #${n}`, true);
  console.info(
    ok ? "each expired storm: exactly 1 provider call; no errors anywhere" : "TARGET MISSED: see the rows above",
  );
} finally {
  await rig.stop();
  process.exit(0);
}
