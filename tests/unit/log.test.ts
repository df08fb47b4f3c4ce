import assert from "node:assert/strict";
import { test } from "node:test";
import { log, redact } from "@/lib/platform/log";

function captured(write: () => void): string {
  const original = process.stdout.write.bind(process.stdout);
  let out = "";
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    write();
  } finally {
    process.stdout.write = original;
  }
  return out;
}

test("values under secret-looking keys never reach the log, at any depth", () => {
  const secret = "sentinel-9f2c1e";
  const line = captured(() =>
    log.info("refreshed", {
      refresh_token: secret,
      nested: { accessToken: secret, deviceCode: secret, list: [{ client_secret: secret }] },
      authorization: `AnaplanAuthToken ${secret}`,
      code: secret,
      grantId: "kept",
    }),
  );
  assert.ok(!line.includes(secret), line);
  assert.match(line, /"grantId":"kept"/);
  assert.deepEqual(redact(new Error("boom")), { name: "Error", message: "boom" });
});

test("a user-supplied value with CR/LF stays one escaped line", () => {
  const line = captured(() => log.info("identity created", { name: "x\r\nFAKE admin=true" }));
  assert.equal(line.trimEnd().split("\n").length, 1);
  assert.equal(JSON.parse(line).name, "x\r\nFAKE admin=true");
});
