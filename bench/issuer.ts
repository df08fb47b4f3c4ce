// A local OIDC issuer for the benchmarks: discovery and JWKS on loopback (the portal fetches them as it would
// GitHub's), counting JWKS fetches, and one job token for the policy the benchmark creates.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

export async function benchIssuer() {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "bench", alg: "RS256", use: "sig" };
  let jwksFetches = 0;
  const server = http.createServer((req, res) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url === "/.well-known/openid-configuration") {
      return void res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    }
    if (req.url === "/jwks") {
      jwksFetches++;
      return void res.end(JSON.stringify({ keys: [jwk] }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksFetches: () => jwksFetches,
    /** A GitHub-shaped job token for `audience`, valid for an hour. */
    mint: (audience: string) =>
      new SignJWT({ sub: "repo:acme/etl:ref:refs/heads/main", repository: "acme/etl", run_id: "1" })
        .setProtectedHeader({ alg: "RS256", kid: "bench" })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
