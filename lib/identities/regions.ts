// Anaplan's hosts per region (Anaplan's allow-list documentation, May 2026). Identities pick a region instead of
// typing URLs, so no one can point the portal's outbound calls at an arbitrary host.
import { type Endpoints, portalEndpoints } from "@/lib/anaplan/settings";
import { env } from "@/lib/platform/env";

const shared = (host: string) => ({
  oauthUrl: `https://${host}.app.anaplan.com`,
  apiUrl: `https://${host}.api.anaplan.com`,
  authUrl: `https://${host}.auth.anaplan.com`,
});

export const REGIONS: Record<string, { label: string; endpoints: Endpoints }> = {
  us1a: {
    label: "us1, us2, us5, us7, eu1, eu2, eu4, ap1",
    endpoints: {
      oauthUrl: "https://us1a.app.anaplan.com",
      apiUrl: "https://api.anaplan.com",
      authUrl: "https://auth.anaplan.com",
    },
  },
  us9: { label: "us9 (Cloud - US)", endpoints: shared("us9") },
  eu3: { label: "eu3 (Cloud - Europe)", endpoints: shared("eu3") },
  eu5: { label: "eu5 (Cloud - Europe)", endpoints: shared("eu5") },
  gb1: { label: "gb1 (Cloud - UK)", endpoints: shared("gb1") },
  ca1: {
    label: "ca1 (Cloud - Canada)",
    endpoints: {
      oauthUrl: "https://ca1a.app.anaplan.com",
      apiUrl: "https://ca1a.api.anaplan.com",
      authUrl: "https://ca1a.auth.anaplan.com",
    },
  },
  sg1: { label: "sg1 (Cloud - Singapore)", endpoints: shared("sg1") },
  ae1: { label: "ae1 (Cloud - UAE)", endpoints: shared("ae1") },
  in1: { label: "in1 (Cloud - India)", endpoints: shared("in1") },
  id1: { label: "id1 (Cloud - Indonesia)", endpoints: shared("id1") },
  me1: { label: "me1 (Cloud - Saudi Arabia)", endpoints: shared("me1") },
  au1: {
    label: "au1 (Cloud - Australia)",
    endpoints: {
      oauthUrl: "https://au1a.app2.anaplan.com",
      apiUrl: "https://api.au1a.app2.anaplan.com",
      authUrl: "https://au1a.app2.anaplan.com",
    },
  },
};

export const DEFAULT_REGION = "default";

/** "default" is the portal's own configuration (which is the simulator when it runs). */
export function endpointsForRegion(region: string): Endpoints {
  if (region === DEFAULT_REGION) return portalEndpoints();
  const known = REGIONS[region];
  if (!known) throw new Error(`unknown region ${region}`);
  return known.endpoints;
}

export function regionChoices() {
  return [
    { value: DEFAULT_REGION, label: env().useSimulator ? "Portal default (the simulator)" : "Portal default" },
    ...Object.entries(REGIONS).map(([value, r]) => ({ value, label: r.label })),
  ];
}

/** The region an identity's stored hosts belong to, for editing; the portal default wins a tie. */
export function regionOf(oauthUrl: string): string {
  if (portalEndpoints().oauthUrl === oauthUrl) return DEFAULT_REGION;
  return Object.entries(REGIONS).find(([, r]) => r.endpoints.oauthUrl === oauthUrl)?.[0] ?? DEFAULT_REGION;
}
