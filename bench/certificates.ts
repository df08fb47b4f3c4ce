// `npm run bench:certificates`: certificate identities beside device-grant ones, on one production build. Prints the
// latency of getting a new token (certificate: make the v2 nonce, open the sealed key, sign, authenticate at the
// simulator; device grant: one refresh_token grant) and the broker's cached-path throughput for a key of each kind,
// with the certificate/device ratios, all measured in the same run.
import { performance } from "node:perf_hooks";
import { externalKeyPair } from "../tests/helpers/certificates";
import { percentile, startRig } from "./rig";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const TRIPS = 20;
const CLIENTS = 16;

const rig = await startRig([3193]);
const base = rig.bases[0];
try {
  const device = await rig.seedKey();
  const { db } = await import("@/lib/platform/db");
  const { refreshAccessToken } = await import("@/lib/anaplan");
  const { authenticateGrant } = await import("@/lib/certificates/authenticate");
  const { importCertificate } = await import("@/lib/identities/certificate");
  const { createIdentity } = await import("@/lib/identities/manage");
  const { identityFields } = await import("@/lib/identities/schemas");
  const { createApiKey, keyFields } = await import("@/lib/broker/keys");
  const { simulatorOperator } = await import("@/simulator/operator-client");
  const operator = simulatorOperator(rig.sim.url);

  const user = await db().user.findFirstOrThrow({ where: { email: "b@x.example" } });
  const actor = { userId: user.id, isPortalAdmin: false };
  const email = "service@simulator.example";
  const identity = await createIdentity(
    actor,
    "bench",
    identityFields.parse({ name: "bench-cert", kind: "certificate", expectedEmail: email }),
  );
  const { privateKey, certificate } = await externalKeyPair(operator, email, {}, 3072);
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  await importCertificate(actor, "bench", identity.id, { certificate, privateKey: pem, passphrase: undefined });
  const grant = await db().grant.findFirstOrThrow({ where: { identity: { id: identity.id } } });
  const certKey = (await createApiKey(actor, "bench", identity.id, keyFields.parse({ name: "bench-cert" }))).key;

  const median = (values: number[]) =>
    percentile(
      values.sort((a, b) => a - b),
      0.5,
    );
  const timed = async (work: () => Promise<unknown>) => {
    const trips: number[] = [];
    for (let i = 0; i < TRIPS; i++) {
      const started = performance.now();
      await work();
      trips.push(performance.now() - started);
    }
    return median(trips);
  };
  const { refreshTokens } = await operator.mint(device.clientId, "service", TRIPS);
  const refresh = await timed(() =>
    refreshAccessToken(device.endpoints, { clientId: device.clientId, refreshToken: refreshTokens.pop() ?? "" }),
  );
  const signAndAuthenticate = await timed(() => authenticateGrant(grant, "v2"));

  const throughput = async (key: string) => {
    const ask = () => fetch(`${base}/api/v1/token`, { method: "POST", headers: { Authorization: `Bearer ${key}` } });
    for (let i = 0; i < 20; i++) await (await ask()).arrayBuffer();
    let done = 0;
    const end = performance.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < end) {
          const response = await ask();
          await response.arrayBuffer();
          if (response.ok) done++;
        }
      }),
    );
    return done / SECONDS;
  };
  // Alternated, best of two each, so neither kind gains from running after the other warmed the server up.
  const rounds: Record<"device" | "certificate", number[]> = { device: [], certificate: [] };
  for (let round = 0; round < 2; round++) {
    rounds.device.push(await throughput(device.key));
    rounds.certificate.push(await throughput(certKey));
  }
  const deviceRps = Math.max(...rounds.device);
  const certRps = Math.max(...rounds.certificate);
  console.info(`Certificate identities beside device-grant ones (${TRIPS} trips, ${CLIENTS} clients × ${SECONDS} s)`);
  console.info("measure | device grant | certificate | ratio");
  console.info(
    `new token, median ms | ${refresh.toFixed(2)} | ${signAndAuthenticate.toFixed(2)} | ${(signAndAuthenticate / refresh).toFixed(2)}`,
  );
  console.info(
    `cached broker, req/s | ${Math.round(deviceRps)} | ${Math.round(certRps)} | ${(certRps / deviceRps).toFixed(2)}`,
  );
} finally {
  await rig.stop();
  process.exit(0);
}
