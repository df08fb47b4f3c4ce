// A condition's glob: `*` stays inside one segment (never crosses `/` or `:`), `**` crosses, everything else is
// literal (regex characters included), and a pattern of wildcards alone is recognised as trusting anything.
import assert from "node:assert/strict";
import { test } from "node:test";
import { matches, trustsAnything } from "@/lib/workloads/glob";

test("* matches inside a segment only; ** crosses; the rest is literal", () => {
  const table: [string, string, boolean][] = [
    ["repo:acme/*", "repo:acme/etl", true],
    ["repo:acme/*", "repo:acme-evil/x", false],
    ["repo:acme/*", "repo:acme/etl/sub", false],
    ["repo:acme/*", "repo:acme/etl:ref:refs/heads/main", false],
    ["repo:acme/*:**", "repo:acme/etl:ref:refs/heads/main", true],
    ["repo:acme/**", "repo:acme/etl:ref:refs/heads/main", true],
    ["repo:acme/**", "repo:acme-evil/x", false],
    ["acme*", "acme-evil", true],
    ["acme/etl", "acme/etl", true],
    ["acme/etl", "acme/etl2", false],
    ["acme/etl", "xacme/etl", false],
    ["a.b", "aXb", false],
    ["a+b", "a+b", true],
    ["(a|b)", "a", false],
    ["system:serviceaccount:etl-*:runner", "system:serviceaccount:etl-prod:runner", true],
    ["system:serviceaccount:etl-*:runner", "system:serviceaccount:etl-prod:evil:runner", false],
    ["refs/heads/release-*", "refs/heads/release-1.2", true],
    ["refs/heads/release-*", "refs/heads/release-1/../../main", false],
    ["*", "anything-at-all", true],
    ["x", "x\n", false],
  ];
  for (const [pattern, value, expected] of table)
    assert.equal(matches(pattern, value), expected, `${pattern} ~ ${value}`);
});

test("patterns of wildcards and separators alone trust anything, and are recognised", () => {
  for (const pattern of ["*", "**", "*/*", "*:*:**", "/"]) assert.equal(trustsAnything(pattern), true, pattern);
  for (const pattern of ["acme/*", "repo:*:ref:*", "a"]) assert.equal(trustsAnything(pattern), false, pattern);
});
