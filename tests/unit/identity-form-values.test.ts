// The identity form's values are the inverse of the schema that reads it: for every kind of identity, the values the
// edit page shows, submitted unchanged, give back exactly the settings the identity has.
import assert from "node:assert/strict";
import { test } from "node:test";
import { identityFormValues, newIdentityFormValues } from "@/lib/identities/form-values";
import { settingsFrom } from "@/lib/identities/manage";
import { REGIONS } from "@/lib/identities/regions";
import { identityFields } from "@/lib/identities/schemas";
import { publishEnv } from "@/lib/platform/env";
import { parseInput } from "@/lib/platform/validation";

const PORTAL_CLIENT = "cd".repeat(16);
publishEnv({ ANAPLAN_DEVICE_CLIENT_ID: PORTAL_CLIENT, ANAPLAN_DEVICE_CLIENT_TTL_SECONDS: "7200" });

const form = (values: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(values)) data.set(name, value);
  return data;
};

const base = {
  name: "nightly-export",
  kind: "device_grant" as "device_grant" | "certificate",
  certificateFormat: "v2" as "v2" | "v1",
  description: "Runs at 02:00",
  expectedEmail: "svc@example.com" as string | null,
  deviceClientId: "ab".repeat(16),
  ...REGIONS.eu3?.endpoints,
  rotatable: true,
  refreshTokenTtlSeconds: 86_400 as number | null,
  nameSkeleton: "nightly-export",
};

test("submitting an identity's form values unchanged keeps every setting", () => {
  for (const identity of [
    base,
    { ...base, rotatable: false, refreshTokenTtlSeconds: null },
    { ...base, refreshTokenTtlSeconds: null, expectedEmail: null, description: "" },
    { ...base, ...REGIONS.us1a?.endpoints, refreshTokenTtlSeconds: 60 },
    { ...base, deviceClientId: PORTAL_CLIENT, refreshTokenTtlSeconds: 7200 },
    { ...base, deviceClientId: PORTAL_CLIENT, refreshTokenTtlSeconds: 999 },
    { ...base, kind: "certificate" as const, deviceClientId: "", rotatable: false, refreshTokenTtlSeconds: null },
    {
      ...base,
      kind: "certificate" as const,
      deviceClientId: "",
      rotatable: false,
      refreshTokenTtlSeconds: null,
      certificateFormat: "v1" as const,
    },
  ]) {
    const values = identityFormValues({ ...identity, oauthUrl: identity.oauthUrl ?? "" });
    const settings = settingsFrom(parseInput(identityFields, form(values)), identity.kind);
    const { nameSkeleton: _, kind: _kind, ...expected } = identity;
    const { nameSkeleton: __, ...actual } = settings;
    assert.deepEqual(actual, expected, JSON.stringify(values));
  }
});

test("a non-rotatable identity's values say so, for the form's summary", () => {
  assert.equal(identityFormValues({ ...base, oauthUrl: base.oauthUrl ?? "", rotatable: false }).rotatable, "off");
});

test("a new identity starts on the portal's client with its TTL; a blank TTL there means that TTL", () => {
  const values = newIdentityFormValues();
  assert.deepEqual(
    [values.deviceClientId, values.rotatable, values.region, values.refreshTokenTtlSeconds],
    [PORTAL_CLIENT, "on", "default", "7200"],
  );
  const blank = settingsFrom(
    parseInput(identityFields, form({ ...values, name: "n", refreshTokenTtlSeconds: "" })),
    "device_grant",
  );
  assert.equal(blank.refreshTokenTtlSeconds, 7200);
  const otherClient = { ...values, name: "n", deviceClientId: "ef".repeat(16), refreshTokenTtlSeconds: "" };
  assert.equal(
    settingsFrom(parseInput(identityFields, form(otherClient)), "device_grant").refreshTokenTtlSeconds,
    null,
  );
});

test("a certificate identity needs its account's email: the CSR carries it", () => {
  const values = { ...newIdentityFormValues(), name: "n", kind: "certificate" };
  assert.throws(
    () => settingsFrom(parseInput(identityFields, form(values)), "certificate"),
    (error: { fieldErrors?: Record<string, string[]> }) =>
      /certificate carries/.test(error.fieldErrors?.expectedEmail?.[0] ?? ""),
  );
});
