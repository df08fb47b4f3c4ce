// Who is calling, as far as the request can tell: the client address and user agent, for the audit trail.
// `next start` sets X-Forwarded-For to the socket address only when the header is absent, and a proxy appends the
// address it saw, so the last entry is the one the nearest trusted hop vouches for.
export type RequestContext = { ip: string | null; userAgent: string | null };

const clip = (value: string | null | undefined, max: number) => {
  const text = value?.replace(/[\p{Cc}]/gu, "").trim();
  return text ? text.slice(0, max) : null;
};

export function requestContextOf(headers: Pick<Headers, "get">): RequestContext {
  // IPv4 peers of a dual-stack socket show as ::ffff:a.b.c.d; the plain form is what people search for.
  const forwarded = headers
    .get("x-forwarded-for")
    ?.split(",")
    .at(-1)
    ?.trim()
    .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
  return { ip: clip(forwarded, 64), userAgent: clip(headers.get("user-agent"), 256) };
}
