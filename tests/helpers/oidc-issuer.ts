// A local OIDC issuer for the keyless tests and bench:broker: keys from jose, discovery and JWKS served on loopback, tokens shaped
// like GitHub Actions', GitLab CI's or Kubernetes' job tokens. `faults` make the broken issuers: keys on another
// host, an oversized or a slow JWKS.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

type Faults = { jwksElsewhere?: boolean; hugeJwks?: boolean; slowJwksMs?: number };

const servers: http.Server[] = [];
const close = (server: http.Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** Closes every issuer started; a test file registers it at its top level (`after(closeIssuers)`). */
export const closeIssuers = () => Promise.all(servers.splice(0).map(close));

export async function startIssuer(faults: Faults = {}) {
  const keys: { kid: string; privateKey: CryptoKey; jwk: JWK }[] = [];
  const addKey = async (kid: string, alg = "RS256") => {
    const pair = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: "sig" };
    keys.push({ kid, privateKey: pair.privateKey, jwk });
    return pair;
  };
  await addKey("k1");
  const published = new Set(["k1"]);
  let jwksFetches = 0;
  const server = http.createServer(async (req, res) => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url === "/.well-known/openid-configuration") {
      const jwks = faults.jwksElsewhere
        ? `http://localhost:${(server.address() as AddressInfo).port}/jwks`
        : `${url}/jwks`;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ issuer: url, jwks_uri: jwks }));
      return;
    }
    if (req.url === "/jwks") {
      jwksFetches++;
      if (faults.slowJwksMs) await new Promise((r) => setTimeout(r, faults.slowJwksMs));
      const body = { keys: keys.filter((k) => published.has(k.kid)).map((k) => k.jwk) };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(faults.hugeJwks ? JSON.stringify({ ...body, padding: "x".repeat(200_000) }) : JSON.stringify(body));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** A token of this issuer: `claims` over sensible defaults; `kid`, `alg`, times and audience can be set. */
  async function mint(
    claims: Record<string, unknown>,
    options: {
      kid?: string;
      audience?: string;
      expiresIn?: number;
      issuedAgo?: number;
      notBefore?: number;
      iss?: string;
    } = {},
  ) {
    const key = keys.find((k) => k.kid === (options.kid ?? "k1"));
    if (!key) throw new Error(`no key ${options.kid}`);
    const now = Math.floor(Date.now() / 1000);
    const iat = now - (options.issuedAgo ?? 0);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: key.jwk.alg as string, kid: key.kid, typ: "JWT" })
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.audience ?? "http://localhost:3000")
      .setIssuedAt(iat)
      .setExpirationTime(now + (options.expiresIn ?? 300));
    if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
    return jwt.sign(key.privateKey);
  }

  return {
    issuer,
    mint,
    publicJwk: (kid = "k1") => keys.find((k) => k.kid === kid)?.jwk,
    /** A new signing key: minted with at once, published only with `publish`. */
    addKey,
    publish: (kid: string) => published.add(kid),
    jwksFetches: () => jwksFetches,
  };
}

/** GitHub Actions' job token claims for `repository` on `ref` (the shape of token.actions.githubusercontent.com's). */
export const githubClaims = (repository: string, ref = "refs/heads/main", extra: Record<string, unknown> = {}) => ({
  sub: `repo:${repository}:ref:${ref}`,
  repository,
  repository_owner: repository.split("/")[0],
  ref,
  workflow_ref: `${repository}/.github/workflows/etl.yml@${ref}`,
  job_workflow_ref: `${repository}/.github/workflows/etl.yml@${ref}`,
  run_id: "8123456789",
  run_attempt: "1",
  actor: "octocat",
  event_name: "push",
  jti: crypto.randomUUID(),
  ...extra,
});

/** A Kubernetes projected service-account token's claims. */
export const kubernetesClaims = (namespace: string, serviceAccount: string) => ({
  sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
  "kubernetes.io": {
    namespace,
    serviceaccount: { name: serviceAccount, uid: crypto.randomUUID() },
    pod: { name: "etl-1" },
  },
});
