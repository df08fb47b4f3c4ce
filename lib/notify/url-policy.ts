// Where a webhook may point. In production only https, and never an address inside a private, loopback or
// link-local range (no requests into the portal's own network: SSRF). WEBHOOK_ALLOW_PRIVATE=1 lifts the address rule
// for development and tests; outside production it is the default. Checked when an endpoint is saved and again,
// against the addresses DNS gives at that moment, before every delivery.
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  PRIVATE.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["::ffff:0:0", 96],
] as const) {
  PRIVATE.addSubnet(net, bits, "ipv6");
}

const refuse = (why: string) => new AppError("bad_request", why, { fieldErrors: { url: [why] } });

export async function assertDeliverableUrl(text: string) {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse("Enter a full URL, e.g. https://hooks.example.com/anaplan.");
  }
  const settings = env();
  if (url.username || url.password) throw refuse("Put no credentials in the URL.");
  if (url.protocol !== "https:" && (settings.isProduction || url.protocol !== "http:")) {
    throw refuse("Webhooks are sent to https:// URLs only.");
  }
  const allowPrivate = settings.WEBHOOK_ALLOW_PRIVATE ? settings.WEBHOOK_ALLOW_PRIVATE === "1" : !settings.isProduction;
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true }).catch(() => []);
  if (addresses.length === 0) throw refuse("This host name does not resolve.");
  for (const { address } of addresses) {
    if (PRIVATE.check(address, isIP(address) === 6 ? "ipv6" : "ipv4")) {
      throw refuse("This URL points into a private network; webhooks go to public addresses only.");
    }
  }
}
