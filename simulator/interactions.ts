// The authorization-code login: the simulator's own login page instead of oidc-provider's development one,
// consent granted automatically (Anaplan shows none), "Deny" answering access_denied.
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { userByEmail } from "./accounts";
import type { Control } from "./control";
import { loginPage } from "./pages";

export async function handleInteraction(
  provider: Provider,
  control: Control,
  req: IncomingMessage,
  res: ServerResponse,
  form: Record<string, string> | undefined,
) {
  const details = await provider.interactionDetails(req, res);
  const deny = () =>
    provider.interactionFinished(
      req,
      res,
      { error: "access_denied", error_description: "The user declined to sign in." },
      { mergeWithLastSubmission: false },
    );
  if (details.prompt.name === "login") {
    if (control.state.loginOutcome === "deny" || form?.action === "deny") return deny();
    if (!form) return html(res, 200, loginPage(`/interaction/${details.uid}`, "Anaplan Token Portal"));
    const user = userByEmail(form.email ?? "");
    if (!user || user.password !== form.password) {
      return html(
        res,
        200,
        loginPage(`/interaction/${details.uid}`, "Anaplan Token Portal", "Wrong email or password."),
      );
    }
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.id } },
      { mergeWithLastSubmission: false },
    );
  }
  const accountId = String(details.session?.accountId ?? "");
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  if (!grant) return deny();
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

export function html(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  res.end(body);
}
