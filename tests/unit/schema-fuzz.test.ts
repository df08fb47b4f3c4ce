// Property-based fuzz (fast-check) of every zod schema that guards a server action, a page's query or the broker:
// FUZZ_RUNS inputs per schema (10,000 unless set) made of oversized strings, control and bidi characters,
// homoglyphs, HTML/JS, forged UUIDs, wrong types and extra keys, through parseInput (the boundary every action
// uses). A refusal is always a bad_request with short, clear messages that repeat nothing of the input; what is accepted holds no invisible or control character; and no extra
// key (teamId, role, __proto__…) survives. The seed is printed, so `FUZZ_SEED=<seed>` replays a failure.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { z } from "zod";
import { auditFilters } from "@/lib/audit-trail/read";
import { keyFields } from "@/lib/broker/keys";
import { exchangeRequest, tokenRequest } from "@/lib/broker/schemas";
import { activityFilters } from "@/lib/gateway/activity";
import { policyForm } from "@/lib/gateway/policies";
import { accessPolicy } from "@/lib/gateway/policy";
import {
  certificateImport,
  certificateUpload,
  confirmFields,
  identityFields,
  listQuery,
} from "@/lib/identities/schemas";
import { endpointFields } from "@/lib/notify/webhooks";
import { AppError } from "@/lib/platform/errors";
import { arg, parseInput } from "@/lib/platform/validation";
import { inviteRef, memberFields, memberRef, roleChange, teamFields } from "@/lib/teams/schemas";
import { policyFields } from "@/lib/workloads/schemas";

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
console.info(`schema fuzz: ${RUNS} inputs per schema, seed ${SEED} (replay with FUZZ_SEED=${SEED})`);

const NASTY = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(document.cookie)",
  "\u202Eexe.txt",
  "\u2066evil\u2069",
  "etl\u200B-a",
  "\u0435tl-\u0430", // Cyrillic е and а
  "ｆｉｎａｎｃｅ",
  "\u0000",
  "\u001b[31m",
  "\r\nSet-Cookie: x=1",
  "\u00AD",
  "' OR 1=1 --",
  "../../etc/passwd",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection payload, meant literally
  "${jndi:ldap://x}",
  "__proto__",
  "\uD800",
  "é".normalize("NFD"),
];
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** For a PEM text box, whose lines are the format: line breaks and tabs, and nothing else invisible. */
const INVISIBLE_BUT_LINES = /[\p{Cf}\p{Zl}\p{Zp}]|(?![\n\r\t])\p{Cc}/u;

const hostileString = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.constantFrom(...NASTY),
  fc
    .tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...NASTY), fc.string({ maxLength: 10 }))
    .map((p) => p.join("")),
  fc.integer({ min: 0, max: 300_000 }).map((n) => "a".repeat(n)),
  fc.uuid(),
  fc.constantFrom("admin", "member", "on", "true", "", " ", "30", "https://example.com/hook", "a@b.example"),
);
const anyValue = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), hostileString, { maxKeys: 2 }),
);
const EXTRA_KEYS = ["teamId", "role", "status", "keyVersion", "createdById", "__proto__", "constructor"];

/** Objects over the schema's own keys (any subset, any values), sometimes with extra keys, or anything at all. */
function inputs(keys: string[]) {
  const own = fc.record(Object.fromEntries(keys.map((k) => [k, anyValue])), { requiredKeys: [] });
  const withExtra = fc.tuple(own, fc.constantFrom(...EXTRA_KEYS), anyValue).map(([o, key, value]) => {
    const out = { ...o };
    Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
    return out;
  });
  return fc.oneof({ weight: 6, arbitrary: own }, { weight: 2, arbitrary: withExtra }, fc.anything());
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (value && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
  return out;
}

type Case = { schema: z.ZodType; keys?: string[]; strict?: boolean; lines?: boolean };
const SCHEMAS: Record<string, Case> = {
  teamFields: { schema: teamFields, strict: true },
  memberFields: { schema: memberFields, strict: true },
  roleChange: { schema: roleChange, strict: true },
  memberRef: { schema: memberRef, strict: true },
  inviteRef: { schema: inviteRef, strict: true },
  identityFields: { schema: identityFields, strict: true },
  confirmFields: { schema: confirmFields, strict: true },
  certificateUpload: { schema: certificateUpload, strict: true, lines: true },
  certificateImport: { schema: certificateImport, strict: true, lines: true },
  policyFields: {
    schema: policyFields,
    keys: ["name", "preset", "issuer", "audience", "conditions", "jwks", "oneTimeJti", "maxTokenAgeMinutes"],
    strict: true,
    lines: true,
  },
  exchangeRequest: {
    schema: exchangeRequest,
    keys: [
      "grant_type",
      "subject_token",
      "subject_token_type",
      "audience",
      "resource",
      "requested_token_type",
      "min_valid_seconds",
    ],
  },
  keyFields: { schema: keyFields, keys: ["name", "expiresInDays", "expiresOn"], strict: true },
  endpointFields: { schema: endpointFields, strict: true },
  listQuery: { schema: listQuery },
  auditFilters: { schema: auditFilters },
  activityFilters: { schema: activityFilters },
  accessPolicy: { schema: accessPolicy },
  policyForm: {
    schema: policyForm,
    keys: [
      "restricted",
      "readOnly",
      "moreModels",
      "moreObjects",
      "workspace:8a868cda7d5f4e6a017d6b1c2a3b0001",
      "model:75A40874E6B64FA3AE0743278996850F",
      "object:116000000001",
    ],
  },
  tokenRequest: { schema: tokenRequest },
  "arg.slug": { schema: arg.slug, keys: [] },
  "arg.id": { schema: arg.id, keys: [] },
  "arg.flag": { schema: arg.flag, keys: [] },
};

for (const [name, { schema, keys, strict, lines }] of Object.entries(SCHEMAS)) {
  test(`${name}: ${RUNS} hostile inputs, no throw, clear refusals, nothing invisible or extra accepted`, () => {
    const shape = keys ?? Object.keys((schema as unknown as { shape: Record<string, unknown> }).shape);
    const arbitrary = shape.length > 0 ? inputs(shape) : fc.oneof(anyValue, fc.anything());
    fc.assert(
      fc.property(arbitrary, (input) => {
        // parseInput is the boundary every action uses: a refusal is its message and per-field messages, all shown.
        let data: unknown;
        try {
          data = parseInput(schema, input);
        } catch (error) {
          assert.ok(error instanceof AppError && error.code === "bad_request", `not a clear refusal: ${String(error)}`);
          const shown = [error.userMessage, ...Object.values(error.fieldErrors ?? {}).flat()].filter(
            (m): m is string => typeof m === "string",
          );
          for (const message of shown) {
            assert.ok(message.length > 0 && message.length <= 200, `message: ${message}`);
            for (const text of strings(input).filter((s) => s.length >= 8)) {
              assert.ok(!message.includes(text), "a refusal repeats the input");
            }
          }
          return;
        }
        for (const text of strings(data)) {
          assert.ok(
            !(lines ? INVISIBLE_BUT_LINES : INVISIBLE).test(text),
            `accepted an invisible or control character: ${JSON.stringify(text)}`,
          );
        }
        // A form that means "no policy" parses to null: there is nothing for an extra key to be kept in.
        if (input && typeof input === "object" && !Array.isArray(input) && data !== null) {
          const extra = Object.keys(input).filter((k) => !shape.includes(k));
          // zod never copies a __proto__ key, so a strict schema may pass over it; it must still not come through.
          if (strict)
            assert.deepEqual(
              extra.filter((k) => k !== "__proto__"),
              [],
              "a strict schema accepted extra keys",
            );
          for (const key of extra) assert.ok(!Object.hasOwn(data as object, key), `kept extra key ${key}`);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
}
