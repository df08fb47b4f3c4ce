// What the identity form shows, as the strings its fields hold: the inverse of `identityFields`, which reads the
// form. One function for the new and the edit page, so saving an edit without touching a field keeps that field
// (tests/unit/identity-form-values.test.ts checks the round trip for every setting).
import { env } from "@/lib/platform/env";
import { regionOf } from "./regions";
import type { IdentitySettings } from "./row";
import type { IdentityFields } from "./schemas";

export type IdentityFormValues = Record<keyof IdentityFields, string>;

export function identityFormValues(identity: IdentitySettings): IdentityFormValues {
  return {
    name: identity.name,
    kind: identity.kind,
    certificateFormat: identity.certificateFormat,
    description: identity.description,
    expectedEmail: identity.expectedEmail ?? "",
    deviceClientId: identity.deviceClientId,
    region: regionOf(identity.oauthUrl),
    rotatable: identity.rotatable ? "on" : "off",
    refreshTokenTtlSeconds: identity.refreshTokenTtlSeconds === null ? "" : String(identity.refreshTokenTtlSeconds),
  };
}

/** A new identity's form: the portal's device-grant client, Rotatable, its TTL, the default region. */
export function newIdentityFormValues(): IdentityFormValues {
  const settings = env();
  return {
    name: "",
    kind: "device_grant",
    certificateFormat: "v2",
    description: "",
    expectedEmail: "",
    deviceClientId: settings.ANAPLAN_DEVICE_CLIENT_ID ?? "",
    region: "default",
    rotatable: "on",
    refreshTokenTtlSeconds: settings.ANAPLAN_DEVICE_CLIENT_ID ? String(settings.ANAPLAN_DEVICE_CLIENT_TTL_SECONDS) : "",
  };
}
