// Names people give teams and identities. What is stored is what is shown, so it must not be able to pass for
// another name: text is NFKC-normalised, invisible and formatting characters are refused, and uniqueness is decided
// on a skeleton (confusables folded to their Latin look-alike, dashes to "-", case ignored, then I/l/1, 0/o and rn/m
// taken as the same), so "etl-a" with a Cyrillic "а" or a soft hyphen is the same name as "etl-a", and "nightIy"
// the same as "nightly".
import { remove as foldConfusables } from "confusables";
import { z } from "zod";

// Controls, format characters (soft hyphen, zero-width and bidi marks, tag characters), line and paragraph
// separators, Hangul fillers and variation selectors: none of them has a visible shape of its own.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Variation_Selector}]|\u115F|\u1160|\u3164|\uFFA0/u;

const VISIBLE_ONLY = "Use visible characters only (no invisible, formatting or control characters).";

/**
 * Text that is matched or parsed rather than shown as a name (searches, cursors, URLs, confirmations): trimmed and
 * bounded, not normalised, with the same refusal of invisible characters (a NUL would also fail in Postgres).
 */
export const visibleText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .refine((s) => !INVISIBLE.test(s), VISIBLE_ONLY);

/** A required display name of at most `max` characters (counted after normalisation); longer is refused, not cut. */
export const displayName = (max: number, required: string) =>
  z
    .string()
    .transform((s) => s.normalize("NFKC").trim())
    .pipe(
      z
        .string()
        .min(1, required)
        .max(max, `At most ${max} characters.`)
        .refine((s) => !INVISIBLE.test(s), VISIBLE_ONLY),
    );

/** Optional free text (descriptions): the same character rule, empty allowed. */
export const displayText = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize("NFKC").trim())
    .pipe(
      z
        .string()
        .max(max, `At most ${max} characters.`)
        .refine((s) => !INVISIBLE.test(s), VISIBLE_ONLY),
    );

/** What two names that look alike have in common; stored beside the name under a unique index. */
export function nameSkeleton(name: string): string {
  return (
    foldConfusables(name.normalize("NFKC"))
      .normalize("NFKC")
      .toLowerCase()
      .replace(/\p{Pd}/gu, "-")
      .replace(/\s+/g, " ")
      // After case folding, the Latin shapes that stay alike in most fonts: "nightIy" (capital i) is "nightly",
      // "c0de" is "code", "modern" is "modem". Migration 20261202040000 applies the same step in SQL.
      .replace(/rn/g, "m")
      .replace(/[1i|]/g, "l")
      .replace(/0/g, "o")
  );
}
