// The auth host's `POST /token/authenticate` for CA certificates, and the OAuth host's /certificates page (the test
// CA's certificate, and a form that signs a pasted CSR, for demos). A token minted here is an ordinary access token
// of the simulator: users/me, validate and logout take it like any other.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { CLIENT_IDS } from "./accounts";
import { json } from "./anaplan-api";
import { type CertificateAuthority, createCertificateChecker } from "./certificates";
import type { Control } from "./control";
import { html } from "./interactions";
import { certificatesPage } from "./pages";

export type CertificateRoutes = ReturnType<typeof createCertificateRoutes>;

async function mintAccessToken(provider: Provider, accountId: string, ttlSeconds: number) {
  const client = await provider.Client.find(CLIENT_IDS.device);
  if (!client) throw new Error("the simulator's device client is missing");
  const grant = new provider.Grant({ accountId, clientId: client.clientId });
  grant.addOIDCScope("openid");
  const grantId = await grant.save();
  const token = new provider.AccessToken({ accountId, client, grantId, scope: "openid", gty: "ca_certificate" });
  const value = await token.save();
  // The provider's own TTL for access tokens is this same setting (provider.ts).
  return { value, expiresAt: Date.now() + ttlSeconds * 1000 };
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text || "{}");
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function createCertificateRoutes(deps: {
  provider: Provider;
  control: Control;
  ca: CertificateAuthority;
  authUrl: string;
}) {
  const check = createCertificateChecker(deps.ca);
  return {
    ca: deps.ca,
    async authenticate(req: IncomingMessage, res: ServerResponse, text: string) {
      const verdict = check(req.headers.authorization ?? "", parseBody(text), deps.control.state.certificates);
      if (!("user" in verdict)) {
        return json(res, verdict.status, { status: verdict.code, statusMessage: verdict.message });
      }
      const ttl = deps.control.state.defaults.accessTokenTtlSeconds;
      const token = await mintAccessToken(deps.provider, verdict.user.id, ttl);
      deps.control.state.issued.add(token.value);
      deps.control.state.counters.certificateAuthenticate++;
      json(res, 201, {
        meta: { validationUrl: `${deps.authUrl}/token/validate` },
        status: "SUCCESS",
        statusMessage: "Login successful",
        tokenInfo: {
          tokenId: randomUUID(),
          tokenValue: token.value,
          expiresAt: token.expiresAt,
          refreshTokenId: randomUUID(),
        },
      });
    },
    async page(_req: IncomingMessage, res: ServerResponse, path: string, form: Record<string, string> | undefined) {
      if (path === "/certificates/ca.pem") {
        res.writeHead(200, {
          "Content-Type": "application/x-pem-file",
          "Content-Disposition": 'attachment; filename="anaplan-simulator-ca.pem"',
        });
        return void res.end(deps.ca.pem);
      }
      if (!form) return html(res, 200, certificatesPage(deps.ca.pem));
      try {
        return html(res, 200, certificatesPage(deps.ca.pem, { certificate: await deps.ca.sign(form.csr ?? "") }));
      } catch {
        return html(res, 400, certificatesPage(deps.ca.pem, { error: "That is not a valid PEM certificate request." }));
      }
    },
  };
}
