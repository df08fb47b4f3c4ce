import assert from "node:assert/strict";
import { test } from "node:test";
import { safeRedirect } from "@/lib/server/auth/redirects";

const base = "https://portal.example.com";

// security-requirements §2.2: every one of these must land on the portal itself.
const hostile = [
  "https://evil.example",
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "\\/evil.example",
  "/%2F%2Fevil.example",
  "/%09/evil.example",
  "https:evil.example",
  "https://portal.example.com.evil.example",
  "https://portal.example.com@evil.example",
  "https://evil.example#@portal.example.com",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "vbscript:msgbox(1)",
  "/%0d%0aSet-Cookie:x=y",
  "/\r\nSet-Cookie:x=y",
  "https://pοrtal.example.com/profile",
  `/${"a".repeat(8192)}`,
];

test("hostile redirect targets never leave the portal's origin", () => {
  for (const url of hostile) {
    const location = safeRedirect(url, base);
    assert.equal(new URL(location).origin, base, `${JSON.stringify(url)} → ${location}`);
    assert.doesNotMatch(location, /[\r\n\t]/, "no raw control character can reach a Location header");
  }
});

test("same-origin paths and URLs are kept, as paths on the portal", () => {
  assert.equal(safeRedirect("/profile", base), `${base}/profile`);
  assert.equal(safeRedirect("/teams/a?page=2#x", base), `${base}/teams/a?page=2#x`);
  assert.equal(safeRedirect(`${base}/profile`, base), `${base}/profile`);
  assert.equal(safeRedirect("//evil.example", base), base);
  assert.equal(safeRedirect("/%2F%2Fevil.example", base), `${base}/%2F%2Fevil.example`);
});
