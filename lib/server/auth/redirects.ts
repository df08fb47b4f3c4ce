// Where a user may be sent after signing in: only a path on the portal itself, never another origin.
const hasControlOrBackslash = (url: string) =>
  [...url].some((c) => c.charCodeAt(0) < 0x20 || c === "\x7f" || c === "\\");

export function safeRedirect(url: string, baseUrl: string): string {
  if (url.length > 2048 || hasControlOrBackslash(url)) return baseUrl;
  try {
    const base = new URL(baseUrl);
    const target = new URL(url, base);
    if (target.origin !== base.origin || target.username || target.password) return baseUrl;
    // Re-serialise from the parsed parts so "//host"-style tricks cannot survive into the Location header.
    const path = `/${target.pathname.replace(/^\/+/, "")}${target.search}${target.hash}`;
    return `${base.origin}${path}`;
  } catch {
    return baseUrl;
  }
}
