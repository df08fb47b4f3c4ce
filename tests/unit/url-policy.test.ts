// The webhook address policy, form by form: every way an address can point into a private, loopback, documentation
// or translation range is refused, and public addresses (IPv4 among them) are not.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertDeliverableUrl, isBlockedAddress, pinnedLookup } from "@/lib/notify/url-policy";
import { publishEnv } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";

const BLOCKED = [
  ["0.0.0.0", "this network"],
  ["10.1.2.3", "private"],
  ["100.64.0.1", "carrier-grade NAT"],
  ["127.0.0.1", "loopback"],
  ["169.254.169.254", "link-local (cloud metadata)"],
  ["172.16.0.1", "private"],
  ["192.0.0.8", "IETF protocol assignments"],
  ["192.0.2.1", "TEST-NET-1"],
  ["192.168.1.1", "private"],
  ["198.18.0.1", "benchmarking"],
  ["198.51.100.7", "TEST-NET-2"],
  ["203.0.113.9", "TEST-NET-3"],
  ["224.0.0.1", "multicast"],
  ["255.255.255.255", "reserved"],
  ["::", "unspecified"],
  ["::1", "loopback"],
  ["::7f00:1", "IPv4-compatible loopback (::/96)"],
  ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
  ["::ffff:7f00:1", "IPv4-mapped loopback, hex"],
  ["::ffff:10.0.0.1", "IPv4-mapped private"],
  ["64:ff9b::7f00:1", "NAT64 of loopback"],
  ["64:ff9b:1::a00:1", "local-use NAT64"],
  ["100::1", "discard-only"],
  ["2001::1", "Teredo"],
  ["2001:db8::1", "documentation"],
  ["2002:7f00:1::", "6to4 of loopback"],
  ["fc00::1", "unique local"],
  ["fd12:3456::1", "unique local"],
  ["fe80::1", "link-local"],
  ["ff02::1", "multicast"],
  ["not-an-address", "not an IP at all"],
] as const;

const PUBLIC = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "::ffff:93.184.216.34", "2606:4700:4700::1111", "2a00:1450::1"];

describe("webhook address policy", () => {
  test("every private, loopback, documentation and translation form is blocked", () => {
    for (const [address, what] of BLOCKED) assert.equal(isBlockedAddress(address), true, `${address} (${what})`);
  });

  test("public addresses are not, IPv4 included", () => {
    for (const address of PUBLIC) assert.equal(isBlockedAddress(address), false, address);
  });

  test("with WEBHOOK_ALLOW_PRIVATE=0 a public IPv4 URL is deliverable and an embedded loopback is not", async () => {
    publishEnv({ WEBHOOK_ALLOW_PRIVATE: "0" });
    await assertDeliverableUrl("https://93.184.216.34/hook");
    await assertDeliverableUrl("https://[2606:4700:4700::1111]/hook");
    for (const inside of ["https://[::ffff:127.0.0.1]/h", "https://[64:ff9b::7f00:1]/h", "https://[2002:7f00:1::]/h"]) {
      await assert.rejects(assertDeliverableUrl(inside), AppError, inside);
    }
    const resolvesPrivate = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.1", family: 4 },
    ];
    await assert.rejects(assertDeliverableUrl("https://mixed.example/h", resolvesPrivate), /private network/);
  });

  test("the connection's own lookup refuses a blocked answer and passes on exactly the checked addresses", async () => {
    const answers = [[{ address: "93.184.216.34", family: 4 }], [{ address: "127.0.0.1", family: 4 }]];
    let call = 0;
    const lookup = pinnedLookup(async () => answers[Math.min(call++, 1)] ?? []);
    const ask = (all: boolean) =>
      new Promise<unknown>((resolve, reject) =>
        lookup("rebind.example", { all }, (error, address) => (error ? reject(error) : resolve(address))),
      );
    assert.deepEqual(await ask(true), [{ address: "93.184.216.34", family: 4 }]);
    await assert.rejects(ask(false), /private network/);
  });
});
