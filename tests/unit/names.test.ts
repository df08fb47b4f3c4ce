import assert from "node:assert/strict";
import { test } from "node:test";
import { displayName, nameSkeleton } from "@/lib/platform/names";

const name = displayName(80, "A name is required.");

test("names are NFKC-normalised and refused when they hide characters (security review #7)", () => {
  assert.equal(name.parse("  ｅｔｌ-ａ  "), "etl-a");
  for (const hidden of [
    "etl\u00AD-a", // soft hyphen
    "etl-\u2060a", // word joiner
    "etl-a\u061C", // Arabic letter mark
    "etl-a\u3164", // Hangul filler
    "etl-a\u{E0061}", // tag character
    "etl\u2028-a", // line separator
    "etl\u2029-a", // paragraph separator
    "e\u200Btl-a", // zero-width space
    "evil\u202Egnp.exe", // bidi override
    "etl-a\uFE0F", // variation selector
  ]) {
    assert.equal(name.safeParse(hidden).success, false, JSON.stringify(hidden));
  }
  assert.equal(name.safeParse("x".repeat(81)).success, false, "too long is refused, not cut");
  assert.equal(name.safeParse("   ").success, false);
  assert.equal(name.parse("Zoë's ETL – nightly"), "Zoë's ETL – nightly", "ordinary text in any script passes");
});

test("look-alike names share a skeleton; different names do not", () => {
  const skeleton = nameSkeleton("etl-a");
  for (const alike of ["etl-\u0430", "ETL-A", "ｅｔｌ-ａ", "etl\u2010a", "etl\u2013a", "ℯtl-a"]) {
    assert.equal(nameSkeleton(alike), skeleton, JSON.stringify(alike));
  }
  for (const other of ["etl-b", "etl_a", "etla", "etl-aa"]) assert.notEqual(nameSkeleton(other), skeleton, other);
});

test("Latin letters and digits that look alike after case folding share a skeleton", () => {
  for (const [a, b] of <[string, string][]>[
    ["nightly", "nightIy"],
    ["nightly", "night1y"],
    ["nightly", "NIGHTLY"],
    ["billing", "biIIing"],
    ["c0de-sync", "code-sync"],
    ["modem", "modern"],
    ["etl-l", "etl-1"],
  ]) {
    assert.equal(nameSkeleton(a), nameSkeleton(b), `${a} ~ ${b}`);
  }
  for (const [a, b] of <[string, string][]>[
    ["nightly", "nightfy"],
    ["etl-a", "etl-e"],
    ["export-2", "export-3"],
  ]) {
    assert.notEqual(nameSkeleton(a), nameSkeleton(b), `${a} ≠ ${b}`);
  }
});
