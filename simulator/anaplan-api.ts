// Anaplan's own (non-OAuth) endpoints that the portal uses: the profile, and token validate/logout on the
// authentication service, which accept only the AnaplanAuthToken scheme.
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { userById } from "./accounts";

export function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
}

function credential(req: IncomingMessage): { scheme: "AnaplanAuthToken" | "Bearer"; token: string } | undefined {
  const match = /^(AnaplanAuthToken|Bearer) (\S+)$/.exec(req.headers.authorization ?? "");
  return match ? { scheme: match[1] as "AnaplanAuthToken" | "Bearer", token: match[2] ?? "" } : undefined;
}

const anaplanDate = (d: Date) => d.toISOString().replace("Z", "+0000");

export async function accessTokenOf(provider: Provider, req: IncomingMessage) {
  const given = credential(req);
  const token = given ? await provider.AccessToken.find(given.token) : undefined;
  return { given, token: token && !token.isExpired ? token : undefined };
}

export async function usersMe(provider: Provider, req: IncomingMessage, res: ServerResponse, minimal = false) {
  const { token } = await accessTokenOf(provider, req);
  const user = token?.accountId ? userById(token.accountId) : undefined;
  if (!user) return json(res, 401, { status: { code: 401, message: "Unauthorized" } });
  if (minimal) return json(res, 200, { user: { id: user.id, email: user.email, extraField: { nested: true } } });
  json(res, 200, {
    meta: { schema: "https://api.anaplan.com/2/0/objects/user" },
    status: { code: 200, message: "Success" },
    user: {
      id: user.id,
      active: true,
      email: user.email,
      emailOptIn: false,
      firstName: user.firstName,
      lastName: user.lastName,
      customerId: user.customerId,
      lastLoginDate: anaplanDate(new Date()),
    },
  });
}

export async function validateToken(provider: Provider, url: string, req: IncomingMessage, res: ServerResponse) {
  const { given, token } = await accessTokenOf(provider, req);
  if (given?.scheme !== "AnaplanAuthToken") return json(res, 400, { status: "FAILURE_BAD_HEADER" });
  const user = token?.accountId ? userById(token.accountId) : undefined;
  if (!token || !user) return json(res, 401, { status: "FAILURE_INVALID_TOKEN" });
  json(res, 200, {
    meta: { validationUrl: `${url}/token/validate` },
    status: "SUCCESS",
    statusMessage: "Token validated",
    tokenInfo: { expiresAt: (token.exp ?? 0) * 1000, tokenId: token.jti.slice(0, 16) },
    userInfo: { userGuid: user.id, userId: user.email, customerGuid: user.customerId },
  });
}

export async function logoutToken(provider: Provider, req: IncomingMessage, res: ServerResponse) {
  const { given, token } = await accessTokenOf(provider, req);
  if (given?.scheme !== "AnaplanAuthToken") return json(res, 401, { status: "FAILURE_BAD_HEADER" });
  await token?.destroy();
  res.writeHead(204).end();
}
