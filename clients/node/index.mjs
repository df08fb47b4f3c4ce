// Anaplan access tokens from an Anaplan Token Portal, for Node's fetch. No dependencies.
//
//   import { portalFetch } from "anaplan-portal";
//   const anaplan = portalFetch();                      // ANAPLAN_PORTAL_URL and ANAPLAN_PORTAL_KEY
//   const me = await anaplan("https://api.anaplan.com/2/0/users/me");
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

/** The identity's current access token, from POST {portal}/api/v1/token; one request in flight at a time. */
export class TokenSource {
  #key;
  #token = null;
  #expiresAt = 0;
  #pending = null;

  constructor({ portalUrl, key, marginSeconds = 60, timeoutMs = 30_000 } = {}) {
    const url = portalUrl ?? process.env.ANAPLAN_PORTAL_URL;
    const secret = key ?? process.env.ANAPLAN_PORTAL_KEY;
    if (!url)
      throw new Error("No portal URL: pass portalUrl or set ANAPLAN_PORTAL_URL (e.g. https://portal.example.com).");
    if (!secret) throw new Error("No API key: pass key or set ANAPLAN_PORTAL_KEY (atp_…, from the identity's page).");
    this.portalUrl = url.replace(/\/+$/, "");
    this.#key = secret;
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
    const response = await fetch(`${this.portalUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.#key}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
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
