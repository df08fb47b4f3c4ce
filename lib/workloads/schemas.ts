// The "Trusted workloads" form: one policy of an identity. Conditions are lines `claim=pattern`; a pasted JWKS
// stands in for discovery. What depends on configuration (https, the default audience) is checked in policies.ts.
import { z } from "zod";
import { displayName, visibleText } from "@/lib/platform/names";
import { trustsAnything } from "./glob";
import { claimPath, PRESET_NAMES, PRESETS, type Preset } from "./presets";

export type Condition = { claim: string; pattern: string };

const CONDITION_LINE = /^\s*([A-Za-z0-9_.:-]{1,64})\s*=\s*([\x21-\x7E](?:[\x20-\x7E]{0,298}[\x21-\x7E])?)\s*$/;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

const jwksText = z
  .string()
  .max(65_536, "A JWKS of at most 64 KB.")
  .optional()
  .transform((text, ctx) => {
    if (!text?.trim()) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: 'Paste the JWKS as JSON: {"keys": [ … ]}.' });
      return z.NEVER;
    }
    const keys = (parsed as { keys?: unknown }).keys;
    if (
      !Array.isArray(keys) ||
      keys.length === 0 ||
      keys.length > 20 ||
      !keys.every((k) => k && typeof k === "object")
    ) {
      ctx.addIssue({ code: "custom", message: 'A JWKS is {"keys": [ … ]} with 1 to 20 public keys.' });
      return z.NEVER;
    }
    if (keys.some((k) => PRIVATE_MEMBERS.some((m) => m in k))) {
      ctx.addIssue({
        code: "custom",
        message: "That JWKS holds private or secret key material: paste public keys only.",
      });
      return z.NEVER;
    }
    if (keys.some((k) => !["RSA", "EC", "OKP"].includes((k as { kty?: string }).kty ?? ""))) {
      ctx.addIssue({ code: "custom", message: "Only RSA, EC and OKP public keys are taken." });
      return z.NEVER;
    }
    return { keys: keys as Record<string, unknown>[] };
  });

export const policyFields = z
  .strictObject({
    name: displayName(80, "A name is required, e.g. the repository or job."),
    preset: z.enum(PRESET_NAMES as [Preset, ...Preset[]], "Choose the platform."),
    issuer: visibleText(400).pipe(z.url("The issuer is a URL, e.g. https://token.actions.githubusercontent.com.")),
    audience: visibleText(400)
      .optional()
      .transform((v) => v || undefined),
    conditions: z.string().max(4000, "At most 4000 characters of conditions."),
    jwks: jwksText,
    oneTimeJti: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()).default(false),
    maxTokenAgeMinutes: z.coerce
      .number()
      .int("Whole minutes.")
      .min(1, "At least 1 minute.")
      .max(1440, "At most 1440 minutes (a day).")
      .default(60),
  })
  .transform((fields, ctx) => {
    const conditions: Condition[] = [];
    for (const line of fields.conditions.split(/\r?\n/).filter((l) => l.trim() !== "")) {
      const match = CONDITION_LINE.exec(line);
      if (!match?.[1] || !match[2]) {
        ctx.addIssue({
          code: "custom",
          path: ["conditions"],
          message: "One condition a line: claim=value or claim=glob.",
        });
        return z.NEVER;
      }
      const [claim, pattern] = [match[1], match[2]];
      if (!claimPath(fields.preset, claim)) {
        const known = Object.keys(PRESETS[fields.preset].claims).join(", ");
        ctx.addIssue({
          code: "custom",
          path: ["conditions"],
          message: `${PRESETS[fields.preset].label} claims: ${known}.`,
        });
        return z.NEVER;
      }
      if (trustsAnything(pattern)) {
        ctx.addIssue({
          code: "custom",
          path: ["conditions"],
          message: `“${claim}=${pattern}” matches everything: name the repository, project or namespace it must be.`,
        });
        return z.NEVER;
      }
      conditions.push({ claim, pattern });
    }
    if (conditions.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["conditions"],
        message: "At least one condition besides the issuer: a policy must not trust anything the issuer signs.",
      });
      return z.NEVER;
    }
    return { ...fields, conditions };
  });
export type PolicyFields = z.infer<typeof policyFields>;
