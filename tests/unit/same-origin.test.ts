import assert from "node:assert/strict";
import { test } from "node:test";
import { pagePolicy } from "@/lib/server/auth/csp";
import { isSameOriginRequest } from "@/lib/server/auth/same-origin";

const portal = "https://portal.example.com";
const request = (headers: Record<string, string>) => isSameOriginRequest(new Headers(headers), portal);

test("only the portal's own origin, or no Origin with Sec-Fetch-Site: same-origin, counts as same-origin", () => {
  assert.equal(request({ origin: portal }), true);
  assert.equal(request({ "sec-fetch-site": "same-origin" }), true);
  for (const origin of [
    "https://evil.example",
    "http://portal.example.com",
    "https://portal.example.com:444",
    "https://sub.portal.example.com",
    "null",
    "",
    "https://portal.example.com.evil.example",
  ]) {
    assert.equal(request({ origin }), false, origin);
    assert.equal(request({ origin, "sec-fetch-site": "same-origin" }), false, `${origin} with fetch metadata`);
  }
  for (const site of ["cross-site", "same-site", "none"])
    assert.equal(request({ "sec-fetch-site": site }), false, site);
  assert.equal(request({}), false, "neither header");
  assert.equal(isSameOriginRequest(new Headers({ origin: portal }), undefined), false, "no portal URL known");
});

test("the page policy allows scripts only by nonce, and eval only in development", () => {
  const production = pagePolicy("abc123", false);
  assert.match(production, /script-src 'self' 'nonce-abc123' 'strict-dynamic'(;|$)/);
  assert.doesNotMatch(production, /unsafe-inline'[^;]*;.*script-src|script-src[^;]*unsafe-inline/);
  assert.doesNotMatch(production, /unsafe-eval/);
  for (const part of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
    assert.ok(production.includes(part), part);
  }
  assert.match(pagePolicy("abc123", true), /script-src [^;]*'unsafe-eval'/);
});
