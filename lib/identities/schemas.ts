import { z } from "zod";
import { displayName, displayText, visibleText } from "@/lib/platform/names";
import { DEFAULT_REGION, REGIONS } from "./regions";

export const IDENTITY_KINDS = ["device_grant", "certificate"] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export const identityFields = z.strictObject({
  name: displayName(80, "A name is required."),
  /** Chosen when the identity is created; an edit leaves it as it is. */
  kind: z.enum(IDENTITY_KINDS, "Choose device grant or certificate.").default("device_grant"),
  certificateFormat: z.enum(["v2", "v1"], "The payload is v2 or v1.").default("v2"),
  description: displayText(500).default(""),
  deviceClientId: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{32}$/, "A device-grant client id is 32 lowercase hex characters.")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  region: z.enum([DEFAULT_REGION, ...Object.keys(REGIONS)]).default(DEFAULT_REGION),
  rotatable: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()).default(true),
  refreshTokenTtlSeconds: z.preprocess(
    (v) => (v === "" || v === undefined || v === null ? undefined : v),
    z.coerce.number().int().min(60, "At least 60 seconds.").max(31_556_926, "At most one year.").optional(),
  ),
  expectedEmail: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.email("Enter an email address.").trim().toLowerCase().optional(),
  ),
});
export type IdentityFields = z.infer<typeof identityFields>;

export const identityId = z.uuid("Unknown identity.");

export const IDENTITY_STATES = [
  "not_enrolled",
  "enrolling",
  "active",
  "needs_attention",
  "expired",
  "deactivated",
  "revoked",
] as const;
export type IdentityState = (typeof IDENTITY_STATES)[number];

export const IDENTITY_SORTS = ["name", "state", "last_used", "expiry"] as const;
export type IdentitySort = (typeof IDENTITY_SORTS)[number];

/** The dashboard's URL: filters, a sort, and at most one keyset cursor (opaque to users, checked when decoded). */
export const listQuery = z.object({
  state: z.enum(IDENTITY_STATES).optional().catch(undefined),
  q: visibleText(80).optional().catch(undefined),
  sort: z.enum(IDENTITY_SORTS).default("name").catch("name"),
  after: visibleText(400).optional().catch(undefined),
  before: visibleText(400).optional().catch(undefined),
  last: z.literal("1").optional().catch(undefined),
});
export type ListQuery = z.infer<typeof listQuery>;

/** Team-wide incident actions are confirmed by typing the team's slug. */
export const confirmFields = z.strictObject({ confirm: visibleText(40) });

// PEM text is ASCII lines; 64 KB holds a certificate with a long chain many times over.
const pemText = (what: string) =>
  z
    .string(`Paste or choose the ${what}.`)
    .max(65_536, `That is too large for a ${what} (at most 64 KB).`)
    .refine((text) => text.trim().length > 0, `Paste or choose the ${what}.`)
    .refine(
      (text) => /^[\x20-\x7E\r\n\t]*$/.test(text),
      `A PEM ${what} is plain ASCII text; this has other characters.`,
    );

export const certificateUpload = z.strictObject({ certificate: pemText("certificate") });
export type CertificateUpload = z.infer<typeof certificateUpload>;

export const certificateImport = z.strictObject({
  certificate: pemText("certificate"),
  privateKey: pemText("private key"),
  passphrase: z
    .string()
    .max(1024, "At most 1024 characters.")
    .refine((v) => !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(v), "Only visible characters in a passphrase.")
    .optional()
    .transform((v) => v || undefined),
});
export type CertificateImport = z.infer<typeof certificateImport>;
