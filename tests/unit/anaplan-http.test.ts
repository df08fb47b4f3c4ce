// Transport behaviour shared by every call (one request helper): timeouts, redirects, size cap, broken bodies,
// network failures. getCurrentUser and refreshAccessToken serve as the vehicles.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { getCurrentUser, refreshAccessToken, setDefaultTimeoutMs } from "@/lib/anaplan";
import { documentedUser, type MockAs, rejectsWith, sentinel, startMockAs } from "@/tests/helpers/anaplan-mock-as";

const accessToken = sentinel("AT");
const refreshToken = sentinel("RT");
const user = documentedUser;
const fast = { timeoutMs: 200 };

let as: MockAs;
before(async () => {
  as = await startMockAs();
});
after(() => as.close());

const me = () => getCurrentUser(as.endpoints, accessToken, fast);
const refresh = () => refreshAccessToken(as.endpoints, { clientId: "c", refreshToken }, fast);

describe("transport", () => {
  it("fails as unavailable, without a status, when the answer is slower than the timeout", async () => {
    as.script((_req, res) => {
      setTimeout(() => res.end(JSON.stringify(user)), 1000).unref();
    });
    const started = Date.now();
    const error = await rejectsWith(me(), "unavailable", [accessToken]);
    assert.equal(error.status, undefined, "no status: the caller cannot know whether Anaplan acted");
    assert.match(error.message, /200 ms/);
    assert.ok(Date.now() - started < 900, "the call returned at the timeout, not when the server answered");
  });

  it("applies the timeout to the body too: headers on time, then a body that trickles forever", async () => {
    as.script((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"user":');
      const timer = setInterval(() => res.write(" "), 20);
      res.on("close", () => clearInterval(timer));
    });
    const error = await rejectsWith(refresh(), "unavailable", [refreshToken]);
    assert.equal(error.status, undefined);
  });

  it("uses the module-wide default timeout when a call passes none", async () => {
    as.script((_req, res) => {
      setTimeout(() => res.end(JSON.stringify(user)), 1000).unref();
    });
    setDefaultTimeoutMs(150);
    try {
      await rejectsWith(getCurrentUser(as.endpoints, accessToken), "unavailable");
    } finally {
      setDefaultTimeoutMs(10_000);
    }
    assert.throws(() => setDefaultTimeoutMs(0), RangeError);
    assert.throws(() => setDefaultTimeoutMs(1.5), RangeError);
  });

  it("never follows a redirect: 3xx is a protocol error and the target sees nothing", async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      as.script({ status, headers: { location: `${as.base}/elsewhere` }, body: "" }, { body: user });
      const error = await rejectsWith(me(), "protocol", [accessToken]);
      assert.equal(error.status, status);
      assert.match(error.message, /redirect not followed/);
      assert.equal(as.requests.length, 1);
    }
  });

  it("caps the body at 64 KB, declared or streamed, and stops reading (1 MB body, endless stream, gzip bomb)", async () => {
    const padded = JSON.stringify({ ...user, padding: "x".repeat(1024 * 1024) });
    as.script(
      { body: padded },
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"padding":"');
        const chunk = "x".repeat(16 * 1024);
        const pump = () => {
          while (res.write(chunk)) if (res.destroyed) return;
        };
        res.on("drain", pump);
        pump();
      },
      { headers: { "content-encoding": "gzip" }, body: gzipSync(Buffer.alloc(10 * 1024 * 1024, " ")) },
    );
    for (let i = 0; i < 3; i++) {
      const error = await rejectsWith(me(), "protocol", [accessToken]);
      assert.match(error.message, /larger than 65536 bytes/);
    }
  });

  it("reads an error body past the cap as no body and classifies by status", async () => {
    as.script({ status: 503, body: "x".repeat(1024 * 1024) });
    await rejectsWith(refresh(), "unavailable");
  });

  it("reports a connection reset, even after the request was sent, as unavailable without a status", async () => {
    as.script((req) => req.socket.destroy());
    const error = await rejectsWith(refresh(), "unavailable", [refreshToken]);
    assert.equal(error.status, undefined);
    assert.equal(as.requests[0]?.json && (as.requests[0].json as Record<string, string>).refresh_token, refreshToken);
  });

  it("reports a refused connection as unavailable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const dead = `http://127.0.0.1:${port}`;
    const error = await rejectsWith(getCurrentUser({ apiUrl: dead }, accessToken, fast), "unavailable", [accessToken]);
    assert.match(error.message, /network error/);
  });

  it("rejects bodies that are not a JSON object: HTML, empty, truncated, array, null, invalid UTF-8", async () => {
    const cases: Array<[string, string | Buffer, RegExp]> = [
      ["HTML error page with 200", "<!doctype html><html><body>Maintenance</body></html>", /not JSON/],
      ["empty body", "", /not JSON/],
      ["truncated JSON", JSON.stringify(user).slice(0, 40), /not JSON/],
      ["JSON array", JSON.stringify([user]), /invalid response/],
      ["JSON null", "null", /invalid response/],
      ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), /not JSON/],
    ];
    for (const [name, body, reason] of cases) {
      as.script({ headers: { "content-type": name.includes("HTML") ? "text/html" : "application/json" }, body });
      const error = await rejectsWith(me(), "protocol", [accessToken]);
      assert.match(error.message, reason, name);
      assert.ok(!error.message.includes("Maintenance"), "the body is never quoted");
    }
  });

  it("accepts a UTF-8 BOM before JSON (RFC 8259 §8.1 lets parsers ignore it)", async () => {
    as.script({ body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(user))]) });
    assert.equal((await me()).email, "a.user@anaplan.com");
  });

  it("names the failing field in the message but never its value", async () => {
    as.script({ body: { ...user, user: { ...user.user, email: `${accessToken}` } } });
    const error = await rejectsWith(me(), "protocol", [accessToken]);
    assert.match(error.message, /user\.email/);
  });

  it("refuses to send an access token that is not a valid header value, without calling Anaplan", async () => {
    as.script({ body: user });
    await assert.rejects(getCurrentUser(as.endpoints, "abc\r\nX-Injected: 1", fast), TypeError);
    await assert.rejects(getCurrentUser(as.endpoints, "", fast), TypeError);
    assert.equal(as.requests.length, 0);
  });

  it("treats other unexpected statuses (205 without a body, 418) as protocol errors", async () => {
    as.script({ status: 205, body: "" }, { status: 418, body: { error: "teapot" } });
    await rejectsWith(me(), "protocol");
    const teapot = await rejectsWith(me(), "protocol");
    assert.equal(teapot.status, 418);
    assert.equal(teapot.oauthError, "teapot");
  });
});
