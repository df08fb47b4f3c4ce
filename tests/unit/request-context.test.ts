// The client address: the socket's peer unless TRUSTED_PROXY_HOPS says how many proxies in front append to
// X-Forwarded-For; whatever is stored is an IP address, never a client's free text.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { PEER_HEADER, requestContextOf, stampPeerAddresses } from "@/lib/platform/request-context";

const headers = (fields: Record<string, string>) => new Headers(fields);

test("with no trusted proxy the socket's address counts, whatever X-Forwarded-For says", () => {
  const sent = headers({ "x-forwarded-for": "203.0.113.9, 198.51.100.1", [PEER_HEADER]: "::ffff:192.0.2.44" });
  assert.equal(requestContextOf(sent, 0).ip, "192.0.2.44");
  assert.equal(requestContextOf(headers({ "x-forwarded-for": "203.0.113.9" }), 0).ip, null, "no stamp, no guess");
});

test("with N trusted proxies the entry each appended is read N from the right", () => {
  const behindNginx = headers({ "x-forwarded-for": "forged, 203.0.113.9", [PEER_HEADER]: "10.0.0.5" });
  assert.equal(requestContextOf(behindNginx, 1).ip, "203.0.113.9");
  const twoProxies = headers({ "x-forwarded-for": "forged, 2001:db8::7, 10.0.0.9", [PEER_HEADER]: "10.0.0.5" });
  assert.equal(requestContextOf(twoProxies, 2).ip, "2001:db8::7");
  assert.equal(requestContextOf(headers({ [PEER_HEADER]: "10.0.0.5" }), 3).ip, "10.0.0.5", "short chains clamp");
});

test("only IP addresses are stored: text, control characters and oversized values become null", () => {
  for (const junk of ["<script>", "1.2.3.4 x", "x".repeat(500), "999.1.1.1", "localhost", ""]) {
    assert.equal(requestContextOf(headers({ "x-forwarded-for": junk, [PEER_HEADER]: "10.0.0.5" }), 1).ip, null, junk);
  }
});

test("a server in this process stamps each request's socket address, overwriting a client's own", async () => {
  stampPeerAddresses();
  const server = http.createServer((request, response) => response.end(String(request.headers[PEER_HEADER])));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const answer = await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER_HEADER]: "203.0.113.1" } });
    assert.equal(await answer.text(), "127.0.0.1");
  } finally {
    server.close();
  }
});
