// oidc-provider configured as Anaplan: Anaplan's paths, 35-minute access tokens, per-client Rotatable or
// Non-Rotatable refresh tokens with reuse detection, and an id_token whose issuer ("<url>/", Auth0 style) is not
// the configured one, with no discovery or JWKS published (the HTTP layer hides those routes).
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { CLIENT_IDS, userById } from "./accounts";
import type { Control } from "./control";
import { signedOutPage, signingOutPage } from "./pages";
import type { createStore } from "./store";

/** Where the portal lands after signing out: its sign-in page, on the origin of its registered callback. */
export const signedOutUrl = (redirectUri: string) => `${new URL(redirectUri).origin}/signin?signedOut=1`;

const behaviourOf = (control: Control, clientId: string | undefined) => control.state.clients[clientId ?? ""];

export function createProvider(options: {
  url: string;
  redirectUris: string[];
  authCodeSecret: string;
  control: Control;
  store: ReturnType<typeof createStore>;
}) {
  const { control } = options;
  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const configuration: Configuration = {
    adapter: options.store.Adapter as unknown as Configuration["adapter"],
    clients: clientsOf(options.redirectUris, options.authCodeSecret),
    jwks: { keys: [{ ...signingKey, kid: "simulator", use: "sig", alg: "RS256" } as never] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    findAccount: (_ctx, id) => {
      const user = userById(id);
      return user
        ? {
            accountId: id,
            claims: () => ({ sub: id, email: user.email, given_name: user.firstName, family_name: user.lastName }),
          }
        : undefined;
    },
    claims: { openid: ["sub"], email: ["email"], profile: ["given_name", "family_name"] },
    scopes: ["openid", "email", "profile", "offline_access"],
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      // Anaplan documents no RFC 7009 endpoint; the simulator offers one so the optional code path is exercised.
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: false },
      // The portal's sign-out ends the simulator's browser session too, without a confirmation page in between.
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = "html";
          ctx.body = signingOutPage(form);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = "html";
          ctx.body = signedOutPage();
        },
      },
    },
    pkce: { required: () => control.state.pkce === "required" },
    // Anaplan issues a refresh token whenever offline_access is asked for; oidc-provider would also insist on
    // prompt=consent, which no Anaplan client sends.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: (ctx) => behaviourOf(control, ctx.oidc.client?.clientId)?.rotatable ?? true,
    ttl: ttlOf(control),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    routes: {
      authorization: "/auth/authorize",
      token: "/oauth/token",
      device_authorization: "/oauth/device/code",
      code_verification: "/activate",
      revocation: "/oauth/revoke",
      jwks: "/.well-known/jwks.json",
      end_session: "/session/end",
    },
    renderError: (ctx: KoaContextWithOIDC, out) => {
      ctx.type = "html";
      ctx.body = `<!doctype html><title>Simulator error</title><p>${String(out.error).replace(/[<>&"]/g, "")}</p>`;
    },
  };
  const provider = new Provider(`${options.url}/`, configuration);
  // Behind a TLS proxy (SimulatorOptions.publicUrls) the links it builds must say https: trust X-Forwarded-Proto.
  provider.proxy = options.url.startsWith("https://");
  return provider;
}

/** The portal's sign-in client (with a secret), another app's, and the two device-grant clients (none). */
function clientsOf(redirectUris: string[], authCodeSecret: string): Configuration["clients"] {
  return [
    {
      client_id: CLIENT_IDS.authCode,
      client_secret: authCodeSecret,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: redirectUris.map(signedOutUrl),
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
    {
      client_id: CLIENT_IDS.otherApp,
      client_secret: randomBytes(24).toString("base64url"),
      redirect_uris: redirectUris,
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
    ...[CLIENT_IDS.device, CLIENT_IDS.deviceNonRotatable].map((id) => ({
      client_id: id,
      grant_types: ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: "none" as const,
    })),
  ];
}

/** Anaplan's lifetimes, and each device client's Rotatable or Non-Rotatable, sliding or absolute refresh tokens. */
function ttlOf(control: Control): Configuration["ttl"] {
  return {
    AccessToken: () => control.state.defaults.accessTokenTtlSeconds,
    AuthorizationCode: 60,
    DeviceCode: () => control.state.defaults.deviceCodeTtlSeconds,
    IdToken: 3600,
    Grant: 365 * 24 * 3600,
    Interaction: 3600,
    Session: 24 * 3600,
    RefreshToken: (ctx, _token, client) => {
      const b = behaviourOf(control, client.clientId);
      if (b?.rotatable === false) return 365 * 24 * 3600;
      const rotated = ctx?.oidc.entities.RotatedRefreshToken;
      // Absolute: the rotated token inherits what was left of its predecessor's life, as in Auth0's rotation.
      if (b?.lifetime === "absolute" && rotated) return Math.max(1, rotated.remainingTTL);
      return b?.refreshTokenTtlSeconds ?? 43_000;
    },
  };
}
