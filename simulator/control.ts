// What a test can change and observe in a running simulator: defaults for new tokens, per-client behaviour,
// injected failures and delays, the login outcome, and counters of what was called.
import type { ClientBehaviour } from "./accounts";

export type Endpoint = "token" | "device_code" | "users_me" | "logout" | "validate" | "revoke" | "authenticate";
/**
 * How an injected failure answers: an OAuth error (JSON), an HTML outage page, nothing, plain text, a cut
 * connection, 10 MB of JSON-looking bytes, or the given `json` document (missing fields, wrong types).
 */
export type FaultBody = "oauth" | "html" | "empty" | "text" | "close" | "huge" | "json";
export type Fault = {
  endpoint: Endpoint;
  count: number;
  status: number;
  error?: string;
  body?: FaultBody;
  json?: unknown;
};
/** `after`: the call is processed at once and only its answer is late (a refresh rotates, the answer is lost). */
type Delay = { endpoint: Endpoint; count: number; ms: number; after?: boolean };

export type Defaults = {
  accessTokenTtlSeconds: number;
  deviceCodeTtlSeconds: number;
  deviceInterval: number;
  /** How long each Integration API call takes to answer (0: at once; real Anaplan takes tens of ms or more). */
  integrationLatencyMs: number;
  /** The speed file chunks move at, in bytes/s, as over a real link (0: as fast as the loopback goes). */
  integrationBytesPerSecond: number;
};

export type Counters = {
  token: Record<string, { authorization_code: number; refresh_token: number; device_code: number }>;
  deviceCode: number;
  usersMe: number;
  logout: number;
  validate: number;
  revoke: number;
  /** CA-certificate authentications answered with a token. */
  certificateAuthenticate: number;
  /** Integration API calls (`/2/0/…` but the profile) that reached the API host with a valid token. */
  integration: number;
};

export function createControl(initial: Defaults, clients: Record<string, ClientBehaviour>) {
  const start = { defaults: { ...initial }, clients: structuredClone(clients) };
  const state = {
    defaults: { ...initial },
    clients: structuredClone(clients),
    faults: [] as Fault[],
    delays: [] as Delay[],
    loginOutcome: "normal" as "normal" | "deny",
    /** `minimal`: users/me answers only the user's id and email, as some tenants' profiles do. */
    profile: "full" as "full" | "minimal",
    /** `unsupported`: like a server without PKCE, the challenge is ignored and a code_verifier then refused. */
    pkce: "optional" as "optional" | "required" | "unsupported",
    /** CA-certificate authentication: v1 payloads only when allowed; the auth host's clock off by some seconds. */
    certificates: { allowV1: false, clockSkewSeconds: 0, revoked: [] as string[] },
    counters: emptyCounters(),
    issued: new Set<string>(),
  };
  const take = <T extends { endpoint: Endpoint; count: number }>(list: T[], endpoint: Endpoint) => {
    const item = list.find((x) => x.endpoint === endpoint && x.count > 0);
    if (item) item.count--;
    return item;
  };
  return {
    state,
    takeFault: (endpoint: Endpoint) => take(state.faults, endpoint),
    takeDelay: (endpoint: Endpoint) => take(state.delays, endpoint),
    countToken(clientId: string, grant: "authorization_code" | "refresh_token" | "device_code") {
      state.counters.token[clientId] ??= { authorization_code: 0, refresh_token: 0, device_code: 0 };
      state.counters.token[clientId][grant]++;
    },
    reset() {
      state.defaults = { ...start.defaults };
      state.clients = structuredClone(start.clients);
      state.faults = [];
      state.delays = [];
      state.loginOutcome = "normal";
      state.profile = "full";
      state.pkce = "optional";
      state.certificates = { allowV1: false, clockSkewSeconds: 0, revoked: [] };
      state.counters = emptyCounters();
    },
  };
}

export type Control = ReturnType<typeof createControl>;

function emptyCounters(): Counters {
  return {
    token: {},
    deviceCode: 0,
    usersMe: 0,
    logout: 0,
    validate: 0,
    revoke: 0,
    certificateAuthenticate: 0,
    integration: 0,
  };
}
