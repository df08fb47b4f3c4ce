import { z } from "zod";

/** Base URLs of the three Anaplan hosts (region-specific, see docs/anaplan-oauth.md §1b), without a trailing slash. */
export type AnaplanEndpoints = { oauthUrl: string; apiUrl: string; authUrl: string };

export function endpoint(base: string, path: string): string {
  return `${base.endsWith("/") ? base.slice(0, -1) : base}${path}`;
}

const MAX_URL_LENGTH = 2048;
// RFC 3986 characters only. Quotes, angle brackets, spaces, controls and non-ASCII are either markup injection or
// something the WHATWG parser would silently rewrite, so a URL containing them is refused rather than repaired.
const URI_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

function parseHttpUrl(raw: string): URL | undefined {
  if (raw.length > MAX_URL_LENGTH || !URI_CHARS.test(raw) || !URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
}

export const httpUrl = z.string().refine((raw) => parseHttpUrl(raw) !== undefined, "absolute http(s) URL");

/**
 * May this server-supplied verification URI be shown as a link? https on anaplan.com or a subdomain, or an
 * origin listed in `extraOrigins` (the local simulator in development).
 */
export function isAllowedVerificationUrl(url: string, extraOrigins: string[] = []): boolean {
  const parsed = parseHttpUrl(url);
  if (!parsed) return false;
  // The text must start with exactly the origin the parser found. That rules out userinfo, a spelled-out default
  // port, missing slashes, upper case and numeric host spellings: forms a reader could misjudge.
  if (!url.startsWith(parsed.origin) || !/^(?:$|[/?#])/.test(url.slice(parsed.origin.length))) return false;
  if (extraOrigins.some((o) => URL.canParse(o) && new URL(o).origin === parsed.origin)) return true;
  const host = parsed.hostname;
  return (
    parsed.protocol === "https:" && parsed.port === "" && (host === "anaplan.com" || host.endsWith(".anaplan.com"))
  );
}
