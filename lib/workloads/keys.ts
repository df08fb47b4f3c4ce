// Where an issuer's signing keys come from: a pasted JWKS, or OIDC discovery over https (the discovery document
// must name the same issuer and keep its keys on the issuer's own origin), fetched with bounded time and size and
// cached per issuer. jose's remote key set re-fetches on an unknown `kid` (at most every
// WORKLOAD_JWKS_COOLDOWN_SECONDS, 30 by default) and every 10 minutes.
import "server-only";
import { createLocalJWKSet, createRemoteJWKSet, customFetch, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { readBounded } from "@/lib/platform/bounded-body";
import { env } from "@/lib/platform/env";

const MAX_BYTES = 64 * 1024;
const TIMEOUT_MS = 5000;
const DISCOVERY_TTL_MS = 10 * 60_000;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export class KeysUnavailable extends Error {}

/** An issuer the portal will fetch from: https, or http on loopback when WORKLOAD_ISSUER_ALLOW_HTTP=1. */
export function issuerRefusal(issuer: string): string | undefined {
  const url = new URL(issuer);
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && LOOPBACK.has(url.hostname) && env().WORKLOAD_ISSUER_ALLOW_HTTP === "1")
    return undefined;
  return "The issuer must be an https:// URL.";
}

/** fetch, but refusing redirects, bodies over 64 KB and answers slower than 5 s. */
async function boundedFetch(url: string | URL, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
  const bytes = await readBounded(response, MAX_BYTES);
  if (!bytes) throw new KeysUnavailable(`the answer from ${new URL(url).host} is over ${MAX_BYTES} bytes`);
  return new Response(new Uint8Array(bytes), { status: response.status, headers: response.headers });
}

/**
 * Per issuer: its key resolver once discovered (one discovery however many calls arrive at once), or its last
 * discovery failure, kept 30 s, so a broken issuer is not asked on every call.
 */
type Remote = { keys: Promise<JWTVerifyGetKey>; until: number };
const remotes = new Map<string, Remote>();
const FAILURE_TTL_MS = 30_000;

async function discover(issuer: string): Promise<URL> {
  const base = issuer.endsWith("/") ? issuer.slice(0, -1) : issuer;
  let document: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const response = await boundedFetch(`${base}/.well-known/openid-configuration`);
    if (!response.ok) throw new KeysUnavailable(`discovery answered ${response.status}`);
    document = await response.json();
  } catch (error) {
    throw error instanceof KeysUnavailable ? error : new KeysUnavailable("discovery failed", { cause: error });
  }
  if (document.issuer !== issuer) throw new KeysUnavailable("the discovery document names another issuer");
  if (typeof document.jwks_uri !== "string" || !URL.canParse(document.jwks_uri)) {
    throw new KeysUnavailable("the discovery document has no jwks_uri");
  }
  const jwks = new URL(document.jwks_uri);
  if (jwks.origin !== new URL(issuer).origin)
    throw new KeysUnavailable("the discovery document keeps its keys on another host");
  return jwks;
}

/** Pasted key sets by policy, kept while the policy's JWKS is unchanged: its keys are imported once, not per call. */
const pasted = new Map<string, { text: string; keys: JWTVerifyGetKey }>();

function pastedKeys(policyId: string, jwks: unknown): JWTVerifyGetKey {
  const text = JSON.stringify(jwks);
  const known = pasted.get(policyId);
  if (known?.text === text) return known.keys;
  const keys = createLocalJWKSet(jwks as JSONWebKeySet);
  pasted.set(policyId, { text, keys });
  return keys;
}

/** The key resolver for a policy: its pasted JWKS, or the issuer's published keys. */
export async function keysFor(policy: { id: string; issuer: string; jwks: unknown }): Promise<JWTVerifyGetKey> {
  if (policy.jwks) return pastedKeys(policy.id, policy.jwks);
  const cached = remotes.get(policy.issuer);
  if (cached && cached.until > Date.now()) return cached.keys;
  const keys = discover(policy.issuer).then(
    (jwksUri) =>
      createRemoteJWKSet(jwksUri, {
        timeoutDuration: TIMEOUT_MS,
        cooldownDuration: env().WORKLOAD_JWKS_COOLDOWN_SECONDS * 1000,
        cacheMaxAge: DISCOVERY_TTL_MS,
        [customFetch]: boundedFetch,
      }),
    (error: unknown) => {
      remotes.set(policy.issuer, { keys, until: Date.now() + FAILURE_TTL_MS });
      throw error instanceof KeysUnavailable ? error : new KeysUnavailable("discovery failed");
    },
  );
  remotes.set(policy.issuer, { keys, until: Date.now() + DISCOVERY_TTL_MS });
  return keys;
}
