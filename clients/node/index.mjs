// Anaplan access tokens from an Anaplan Token Portal, for Node's fetch. No dependencies.
//
//   import { portalFetch } from "anaplan-portal";
//   const anaplan = portalFetch();                      // ANAPLAN_PORTAL_URL and ANAPLAN_PORTAL_KEY
//   const me = await anaplan("https://api.anaplan.com/2/0/users/me");
//
// A key restricted to the portal's gateway never gets a token: gatewayFetch() sends each Anaplan call through
// the gateway, which enforces the key's limits and records the call.
//
// Keyless, in a CI job or a pod: new TokenSource({ workload: { identity: "team/identity",
//   subjectToken: platformToken("github-actions", { audience: "https://portal.example.com" }) } }).
//
// The token is cached until shortly before it expires, shared by every caller of one source, and renewed once
// when Anaplan answers 401.

/** The portal refused: `code` is its error code, the message says what to do, `retryAfter` when to try again. */
export class PortalError extends Error {
  constructor(status, code, message, retryAfter) {
    super(`token portal: ${status} ${code}: ${message}`);
    this.name = "PortalError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

const EXCHANGE = {
  grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
  subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
};

/**
 * The job's own platform token, read the way each platform documents it, for a keyless TokenSource:
 * "github-actions" asks the Actions token service for `audience` (the job needs `permissions: id-token: write`),
 * "gitlab" reads the `id_tokens:` variable (default ANAPLAN_PORTAL_ID_TOKEN), "kubernetes" reads the projected
 * service-account token file (default /var/run/secrets/anaplan-portal/token), fresh each time.
 */
export function platformToken(platform, { audience, variable = "ANAPLAN_PORTAL_ID_TOKEN", file } = {}) {
  if (platform === "github-actions") {
    return async () => {
      const { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer } = process.env;
      if (!url || !bearer) throw new Error("Not a GitHub Actions job with `permissions: id-token: write`.");
      const requested = `${url}${url.includes("?") ? "&" : "?"}audience=${encodeURIComponent(audience ?? "")}`;
      const response = await fetch(requested, { headers: { Authorization: `bearer ${bearer}` } });
      if (!response.ok) throw new Error(`GitHub's token service answered ${response.status}.`);
      return (await response.json()).value;
    };
  }
  if (platform === "gitlab") {
    return async () => {
      const token = process.env[variable];
      if (!token) throw new Error(`No ${variable}: declare it under the job's id_tokens: with aud: the portal's URL.`);
      return token;
    };
  }
  if (platform === "kubernetes") {
    const tokenFile = file ?? "/var/run/secrets/anaplan-portal/token";
    return async () => (await import("node:fs/promises")).readFile(tokenFile, "utf8").then((t) => t.trim());
  }
  throw new Error(`Unknown platform "${platform}": github-actions, gitlab or kubernetes.`);
}

/** The identity's current access token, from POST {portal}/api/v1/token; one request in flight at a time. */
/** The portal's URL and the key, given or from ANAPLAN_PORTAL_URL and ANAPLAN_PORTAL_KEY, or which is missing. */
function settings(portalUrl, key, keyNeeded) {
  const url = portalUrl ?? process.env.ANAPLAN_PORTAL_URL;
  const secret = key ?? process.env.ANAPLAN_PORTAL_KEY;
  if (!url)
    throw new Error("No portal URL: pass portalUrl or set ANAPLAN_PORTAL_URL (e.g. https://portal.example.com).");
  if (keyNeeded && !secret) {
    throw new Error("No API key: pass key or set ANAPLAN_PORTAL_KEY (atp_…, from the identity's page).");
  }
  return { url: url.replace(/\/+$/, ""), key: secret };
}

export class TokenSource {
  #key;
  #workload;
  #token = null;
  #expiresAt = 0;
  #pending = null;

  constructor({ portalUrl, key, workload, marginSeconds = 60, timeoutMs = 30_000 } = {}) {
    if (workload && !workload.identity) {
      throw new Error("A keyless source names its identity: <team slug>/<identity name>.");
    }
    const found = settings(portalUrl, key, !workload);
    this.#workload = workload;
    this.portalUrl = found.url;
    this.#key = found.key;
    this.marginSeconds = marginSeconds;
    this.timeoutMs = timeoutMs;
  }

  /** When the cached token stops being accepted (ms since the epoch), or 0 before the first one. */
  get expiresAt() {
    return this.#expiresAt;
  }

  /** A token with at least `minValidSeconds` (default: the margin) of life left, asking the portal only if needed. */
  async token({ minValidSeconds = this.marginSeconds } = {}) {
    if (this.#token && Date.now() < this.#expiresAt - minValidSeconds * 1000) return this.#token;
    return this.#fetch({ min_valid_seconds: Math.min(1800, Math.ceil(minValidSeconds)) });
  }

  /** A token to use after Anaplan answered 401 to `rejected`: the portal refreshes if it still holds that one. */
  async renew(rejected) {
    if (this.#token !== rejected) return this.token();
    return this.#fetch({ rejected_token: rejected });
  }

  /** The key's identity and its state, from GET {portal}/api/v1/identity. */
  async whoami() {
    return (await this.#call("GET", "/api/v1/identity")).identity;
  }

  #fetch(body) {
    this.#pending ??= this.#call("POST", "/api/v1/token", body)
      .then((answer) => {
        this.#token = answer.access_token;
        this.#expiresAt = Date.parse(answer.expires_at);
        return this.#token;
      })
      .finally(() => {
        this.#pending = null;
      });
    return this.#pending;
  }

  async #call(method, path, body) {
    const init = this.#workload
      ? await this.#exchange(path, body)
      : {
          headers: { Authorization: `Bearer ${this.#key}`, ...(body ? { "Content-Type": "application/json" } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        };
    const response = await fetch(`${this.portalUrl}${path}`, {
      method,
      ...init,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const retryAfter = Number(response.headers.get("retry-after")) || undefined;
      throw new PortalError(
        response.status,
        answer.error ?? "unknown",
        answer.message ?? response.statusText,
        retryAfter,
      );
    }
    return answer;
  }

  /** An RFC 8693 exchange of the job's platform token (fresh each time) for the identity's token. */
  async #exchange(path, body) {
    if (path !== "/api/v1/token") throw new Error("A keyless source has no key: whoami needs ANAPLAN_PORTAL_KEY.");
    const subject = await this.#workload.subjectToken();
    const form = new URLSearchParams({ ...EXCHANGE, subject_token: subject, audience: this.#workload.identity });
    if (body?.min_valid_seconds !== undefined) form.set("min_valid_seconds", String(body.min_valid_seconds));
    return { headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form.toString() };
  }
}

/** `fetch` for Anaplan's APIs: each call carries `Authorization: AnaplanAuthToken …`, and a 401 is retried once. */
export function portalFetch(options = {}) {
  const source = options instanceof TokenSource ? options : new TokenSource(options);
  const send = (input, init, token) => {
    const headers = new Headers(init?.headers);
    headers.set("Authorization", `AnaplanAuthToken ${token}`);
    return fetch(input, { ...init, headers });
  };
  const anaplanFetch = async (input, init) => {
    const token = await source.token();
    const response = await send(input, init, token);
    if (response.status !== 401) return response;
    await response.body?.cancel();
    return send(input, init, await source.renew(token));
  };
  anaplanFetch.source = source;
  return anaplanFetch;
}

/**
 * `fetch` for Anaplan's Integration API through the portal's gateway, for a key restricted to it (or any key
 * whose calls should be recorded): an Anaplan URL (`https://api.anaplan.com/2/0/…`) goes to
 * `{portal}/api/v1/anaplan/2/0/…` with the key, and the portal puts the identity's token in (and renews it on a
 * 401). Bodies stream both ways: pass a stream as `body` with `duplex: "half"`.
 */
export function gatewayFetch({ portalUrl, key } = {}) {
  const found = settings(portalUrl, key, true);
  const gatewayUrl = (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return `${found.url}/api/v1/anaplan${url.pathname}${url.search}`;
  };
  const viaGateway = (input, init) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set("Authorization", `Bearer ${found.key}`);
    return fetch(gatewayUrl(input), { ...init, headers });
  };
  viaGateway.gatewayUrl = gatewayUrl;
  return viaGateway;
}
