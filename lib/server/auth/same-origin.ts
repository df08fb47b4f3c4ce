// Server actions are POST endpoints that any page on the web can aim a form at, and a site's session cookies go with
// it when that page is same-site (another port or subdomain). Next compares Origin with Host but lets a request
// without Origin through, so the portal decides for itself: the Origin must be the portal's, and a request without
// one passes only when the browser vouches for it with Fetch Metadata (`Sec-Fetch-Site: same-origin`).
export const CROSS_SITE_MESSAGE = "This request came from another site and was refused.";

export function isSameOriginRequest(headers: Headers, portalUrl: string | undefined): boolean {
  const origin = headers.get("origin");
  if (origin === null) return headers.get("sec-fetch-site") === "same-origin";
  try {
    return portalUrl !== undefined && origin === new URL(portalUrl).origin;
  } catch {
    return false;
  }
}
