// Where next-auth's sign-out lands. When Anaplan's end-session endpoint is known (the simulator's always is), the
// browser's session there is ended too, so the next "Sign in" asks who is signing in instead of silently
// re-entering as the same account; it then returns to the sign-in page.
import { env, portalUrl } from "@/lib/platform/env";

export function GET() {
  const settings = env();
  const signedOut = `${portalUrl()}/signin?signedOut=1`;
  if (!settings.ANAPLAN_END_SESSION_URL || !settings.ANAPLAN_CLIENT_ID) return Response.redirect(signedOut, 303);
  const end = new URL(settings.ANAPLAN_END_SESSION_URL);
  end.searchParams.set("client_id", settings.ANAPLAN_CLIENT_ID);
  end.searchParams.set("post_logout_redirect_uri", signedOut);
  return Response.redirect(end, 303);
}
