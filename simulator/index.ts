// The Anaplan simulator: a standards-correct OAuth server (oidc-provider) reshaped to Anaplan's paths and quirks,
// for development and tests. Never imported by request-handling code; boot starts it when no Anaplan is configured.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CLIENT_IDS, type ClientBehaviour, type SimulatorUser, USERS } from "./accounts";
import { createCertificateRoutes } from "./certificate-routes";
import { createCertificateAuthority } from "./certificates";
import { createControl } from "./control";
import { createHandler } from "./http";
import { createIntegrationApi } from "./integration";
import { DEFAULT_OPERATOR_TOKEN } from "./operator-client";
import { createProvider } from "./provider";
import { applyAnaplanQuirks } from "./quirks";
import { createStore } from "./store";

export type { SimulatorUser } from "./accounts";
export { DEFAULT_OPERATOR_TOKEN } from "./operator-client";

export type SimulatorOptions = {
  /** The OAuth host's port; the API and auth hosts listen on the next two (or on any free port when 0). */
  port?: number;
  host?: string;
  redirectUris: string[];
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  deviceCodeTtlSeconds?: number;
  deviceInterval?: number;
  /** Sent by tests as `x-simulator-operator`; see README "The Anaplan simulator". */
  operatorToken?: string;
  /** Where browsers and portals reach the three hosts when a proxy stands in front (e.g. TLS); default: where they
   * listen. The operator API stays on the listening address only. */
  publicUrls?: SimulatorUrls;
};

/** Anaplan's three hosts, each on an origin of its own, so calling a path on the wrong host fails as it would. */
export type SimulatorUrls = { oauth: string; api: string; auth: string };

export type Simulator = {
  /** The OAuth host. */
  url: string;
  /** The operator API: the OAuth host's listening address (the same as `url` unless `publicUrls` were given). */
  operatorUrl: string;
  urls: SimulatorUrls;
  clients: {
    authCode: { id: string; secret: string };
    /** `refreshTokenTtlSeconds`: the TTL it starts with (the operator API can change it). */
    device: { id: string; refreshTokenTtlSeconds: number };
    deviceNonRotatable: { id: string };
    otherApp: { id: string };
  };
  users: Record<SimulatorUser["key"], SimulatorUser>;
  /** The test CA's certificate (PEM), which the auth host trusts for CA-certificate authentication. */
  certificateAuthority: string;
  close(): Promise<void>;
};

async function listen(port: number, host: string) {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const host = options.host ?? "127.0.0.1";
  const base = options.port ?? 0;
  const next = (offset: number) => (base === 0 ? 0 : base + offset);
  const oauth = await listen(base, host);
  const api = await listen(next(1), host);
  const auth = await listen(next(2), host);
  const urls = options.publicUrls ?? { oauth: oauth.url, api: api.url, auth: auth.url };
  const url = urls.oauth;
  const refreshTokenTtlSeconds = options.refreshTokenTtlSeconds ?? 43_000;
  const clients: Record<string, ClientBehaviour> = {
    [CLIENT_IDS.authCode]: { rotatable: true, refreshTokenTtlSeconds, lifetime: "sliding" },
    [CLIENT_IDS.device]: { rotatable: true, refreshTokenTtlSeconds, lifetime: "sliding" },
    [CLIENT_IDS.deviceNonRotatable]: { rotatable: false, refreshTokenTtlSeconds, lifetime: "sliding" },
  };
  const control = createControl(
    {
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 2100,
      deviceCodeTtlSeconds: options.deviceCodeTtlSeconds ?? 900,
      deviceInterval: options.deviceInterval ?? 5,
      integrationLatencyMs: 0,
      integrationBytesPerSecond: 0,
    },
    clients,
  );
  const store = createStore();
  const ca = await createCertificateAuthority();
  const secret = randomBytes(24).toString("base64url");
  const provider = createProvider({ url, redirectUris: options.redirectUris, authCodeSecret: secret, control, store });
  applyAnaplanQuirks(provider, control);
  const certificates = createCertificateRoutes({ provider, control, ca, authUrl: urls.auth });
  const integration = createIntegrationApi({ provider, control });
  for (const [role, listener] of [
    ["oauth", oauth],
    ["api", api],
    ["auth", auth],
  ] as const) {
    const operatorToken = options.operatorToken ?? DEFAULT_OPERATOR_TOKEN;
    const operatorUrl = oauth.url;
    listener.server.on(
      "request",
      createHandler({ provider, control, store, urls, role, operatorToken, operatorUrl, certificates, integration }),
    );
  }
  return {
    url,
    operatorUrl: oauth.url,
    urls,
    clients: {
      authCode: { id: CLIENT_IDS.authCode, secret },
      device: { id: CLIENT_IDS.device, refreshTokenTtlSeconds },
      deviceNonRotatable: { id: CLIENT_IDS.deviceNonRotatable },
      otherApp: { id: CLIENT_IDS.otherApp },
    },
    users: USERS,
    certificateAuthority: ca.pem,
    close: async () => {
      await Promise.all(
        [oauth, api, auth].map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}

/** The portal settings that point it at this simulator. */
export function simulatorSettings(simulator: Simulator) {
  return {
    ANAPLAN_SIMULATOR: "1",
    ANAPLAN_OAUTH_URL: simulator.urls.oauth,
    ANAPLAN_API_URL: simulator.urls.api,
    ANAPLAN_AUTH_URL: simulator.urls.auth,
    ANAPLAN_CLIENT_ID: simulator.clients.authCode.id,
    ANAPLAN_CLIENT_SECRET: simulator.clients.authCode.secret,
    ANAPLAN_DEVICE_CLIENT_ID: simulator.clients.device.id,
    // The simulator knows its own client's TTL, as a tenant admin knows theirs.
    ANAPLAN_DEVICE_CLIENT_TTL_SECONDS: String(simulator.clients.device.refreshTokenTtlSeconds),
    ANAPLAN_REVOCATION_URL: `${simulator.urls.oauth}/oauth/revoke`,
    ANAPLAN_END_SESSION_URL: `${simulator.urls.oauth}/session/end`,
  };
}

/**
 * The same settings as a portal configured for real Anaplan would have them (the simulator off, an http loopback
 * callback allowed): for rigs that must exercise the real-Anaplan code path against the simulator.
 */
export function simulatorAsAnaplan(simulator: Simulator) {
  return { ...simulatorSettings(simulator), ANAPLAN_SIMULATOR: "0", ANAPLAN_ALLOW_HTTP_CALLBACK: "1" };
}
