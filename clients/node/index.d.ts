/** The portal refused: `code` is its error code (`identity_deactivated`, `invalid_key`…), the message says what to do. */
export declare class PortalError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds to wait before trying again, when the portal said. */
  readonly retryAfter: number | undefined;
  constructor(status: number, code: string, message: string, retryAfter?: number);
}

export type TokenSourceOptions = {
  /** The portal's URL; default ANAPLAN_PORTAL_URL. */
  portalUrl?: string;
  /** The identity's API key (`atp_…`); default ANAPLAN_PORTAL_KEY. Not needed with `workload`. */
  key?: string;
  /** Keyless: exchange the job's platform token (RFC 8693) for the identity's token; no key is stored anywhere. */
  workload?: { identity: string; subjectToken: () => Promise<string> };
  /** How long before expiry a cached token is renewed (default 60 s). */
  marginSeconds?: number;
  /** How long a call to the portal may take (default 30 s). */
  timeoutMs?: number;
};

export type Identity = {
  id: string;
  name: string;
  state: string;
  state_reason: string | null;
  api_url: string;
  access_token_expires_at: string | null;
  refresh_token_expires_at: string | null;
};

/** The identity's current Anaplan access token, cached; one request to the portal in flight at a time. */
export declare class TokenSource {
  readonly portalUrl: string;
  readonly marginSeconds: number;
  readonly timeoutMs: number;
  /** When the cached token stops being accepted (ms since the epoch), or 0 before the first one. */
  readonly expiresAt: number;
  constructor(options?: TokenSourceOptions);
  token(options?: { minValidSeconds?: number }): Promise<string>;
  /** After Anaplan answered 401 to `rejected`: a token that works (the portal refreshes if it still holds that one). */
  renew(rejected: string): Promise<string>;
  whoami(): Promise<Identity>;
}

export type AnaplanFetch = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & {
  readonly source: TokenSource;
};

/** `fetch` for Anaplan's APIs with `Authorization: AnaplanAuthToken …`, retried once on a 401. */
export declare function portalFetch(options?: TokenSourceOptions | TokenSource): AnaplanFetch;

/** The job's platform token, read as each platform documents it, for `workload.subjectToken`. */
export declare function platformToken(
  platform: "github-actions" | "gitlab" | "kubernetes",
  options?: { audience?: string; variable?: string; file?: string },
): () => Promise<string>;

export type GatewayFetch = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & {
  /** Where the gateway takes a call to an Anaplan URL: its path and query under `{portal}/api/v1/anaplan`. */
  gatewayUrl(input: string | URL | Request): string;
};

/** `fetch` for Anaplan's Integration API through the portal's gateway, with the key; no token reaches the script. */
export declare function gatewayFetch(options?: { portalUrl?: string; key?: string }): GatewayFetch;
