// Where a webhook may point. In production only https, and never an address inside a private, loopback,
// link-local, documentation or translation range (no requests into the portal's own network: SSRF).
// WEBHOOK_ALLOW_PRIVATE=1 lifts the address rule for development and tests; outside production it is the default.
// Checked when an endpoint is saved, and again on the very connection a delivery makes: `pinnedLookup` applies the
// rule to every address DNS returns when the socket connects, so a name that answers public first and private
// second (DNS rebinding) is refused rather than reached.

import type { LookupAddress } from "node:dns";
import { lookup as systemLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { env } from "@/lib/platform/env";
import { AppError, isAppError } from "@/lib/platform/errors";

// Node's BlockList checks an IPv4-mapped IPv6 address (::ffff:a.b.c.d) against the IPv4 entries, so a mapped
// loopback is refused with no entry of its own — and an entry for ::ffff:0:0/96 would match every IPv4 address.
const IPV4_BLOCKED = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const;
const IPV6_BLOCKED = [
  ["::", 96], // unspecified, loopback and the deprecated IPv4-compatible ::a.b.c.d
  ["64:ff9b::", 96], // NAT64: reaches an IPv4 address of the translator's choosing
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard-only
  ["2001::", 23], // IETF protocol assignments (Teredo, ORCHID, …)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4: embeds an IPv4 address
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const;

const BLOCKED = new BlockList();
for (const [net, bits] of IPV4_BLOCKED) BLOCKED.addSubnet(net, bits, "ipv4");
for (const [net, bits] of IPV6_BLOCKED) BLOCKED.addSubnet(net, bits, "ipv6");

/** True for an address a webhook must never reach in production. */
export const isBlockedAddress = (address: string) => {
  const family = isIP(address);
  return family === 0 || BLOCKED.check(address, family === 6 ? "ipv6" : "ipv4");
};

/** How host names become addresses; a test passes one whose answers change between calls. */
export type Resolve = (host: string) => Promise<LookupAddress[]>;
export const systemResolve: Resolve = (host) => systemLookup(host, { all: true });

const refuse = (why: string) => new AppError("bad_request", why, { fieldErrors: { url: [why] } });
const PRIVATE_REFUSAL = "This URL points into a private network; webhooks go to public addresses only.";

export function allowsPrivateAddresses() {
  const settings = env();
  return settings.WEBHOOK_ALLOW_PRIVATE ? settings.WEBHOOK_ALLOW_PRIVATE === "1" : !settings.isProduction;
}

/** Every address `host` resolves to, or a refusal if any of them is blocked (one bad answer is enough). */
async function publicAddresses(host: string, resolve: Resolve): Promise<[LookupAddress, ...LookupAddress[]]> {
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await resolve(host).catch(() => [] as LookupAddress[]);
  const [first, ...rest] = addresses;
  if (!first) throw refuse("This host name does not resolve.");
  if (addresses.some((a) => isBlockedAddress(a.address))) throw refuse(PRIVATE_REFUSAL);
  return [first, ...rest];
}

export async function assertDeliverableUrl(text: string, resolve: Resolve = systemResolve) {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse("Enter a full URL, e.g. https://hooks.example.com/anaplan.");
  }
  if (url.username || url.password) throw refuse("Put no credentials in the URL.");
  if (url.protocol !== "https:" && (env().isProduction || url.protocol !== "http:")) {
    throw refuse("Webhooks are sent to https:// URLs only.");
  }
  if (allowsPrivateAddresses()) return;
  await publicAddresses(url.hostname.replace(/^\[|\]$/g, ""), resolve);
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net.connect that resolves with `resolve` and hands the socket only addresses the policy allows,
 * failing closed: the connection goes to exactly the addresses that were checked.
 */
export function pinnedLookup(resolve: Resolve = systemResolve) {
  return (host: string, options: { all?: boolean }, callback: LookupCallback) => {
    publicAddresses(host, resolve).then(
      ([first, ...rest]) =>
        options.all ? callback(null, [first, ...rest]) : callback(null, first.address, first.family),
      // A plain Error with the sentence, so the delivery log says why the connection was not made.
      (error: unknown) => callback(new Error(isAppError(error) ? error.userMessage : String(error)), []),
    );
  };
}
