// A typed client for the simulator's operator API, for tests (node and Playwright alike).
import type { ClientBehaviour, SimulatorUser } from "./accounts";
import type { Counters, Defaults, Endpoint, Fault } from "./control";

/** The operator token when SIMULATOR_OPERATOR_TOKEN is not set: the API stays loopback- and header-bound anyway. */
export const DEFAULT_OPERATOR_TOKEN = "simulator";

export function simulatorOperator(url: string, token = DEFAULT_OPERATOR_TOKEN) {
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/__simulator/${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json", "X-Simulator-Operator": token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`simulator operator ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    approve: (userCode: string, user: SimulatorUser["key"]) => call("approve", { userCode, user }),
    deny: (userCode: string) => call("deny", { userCode }),
    /** Refresh tokens of `count` new device grants, without the device flow: for seeding benchmarks. */
    mint: (clientId: string, user: SimulatorUser["key"], count: number) =>
      call<{ refreshTokens: string[] }>("mint", { clientId, user, count }),
    revokeGrants: (match: { user?: SimulatorUser["key"]; clientId?: string }) =>
      call<{ revoked: number }>("revoke-grants", match),
    setClient: (clientId: string, behaviour: Partial<ClientBehaviour>) => call("client", { clientId, ...behaviour }),
    setDefaults: (defaults: Partial<Defaults>) => call<Defaults>("defaults", defaults),
    failNext: (fault: Fault) => call("fail-next", fault),
    slowNext: (delay: { endpoint: Endpoint; count: number; ms: number; after?: boolean }) => call("slow-next", delay),
    setLoginOutcome: (outcome: "normal" | "deny") => call("login-outcome", { outcome }),
    setProfile: (profile: "full" | "minimal") => call("profile", { profile }),
    setPkce: (pkce: "optional" | "required" | "unsupported") => call("pkce", { pkce }),
    /** A certificate from the test CA for `csr`; the options make expired, not-yet-valid or wrong-email ones. */
    signCsr: (
      csr: string,
      options: { notBefore?: string; notAfter?: string; email?: string; keyUsage?: "none" } = {},
    ) => call<{ certificate: string; ca: string }>("sign-csr", { csr, ...options }),
    /** `revoke`: a certificate's SHA-256 fingerprint, refused from now on (a tenant admin removed it). */
    setCertificates: (settings: { allowV1?: boolean; clockSkewSeconds?: number; revoke?: string }) =>
      call<{ allowV1: boolean; clockSkewSeconds: number; revoked: string[] }>("certificates", settings),
    counters: () => call<Counters>("counters"),
    issuedTokens: () => call<string[]>("issued"),
    reset: () => call("reset", {}),
  };
}
