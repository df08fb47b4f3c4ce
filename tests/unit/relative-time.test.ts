// Relative times: a moment in the past (or a moment "ahead" because the database's clock leads the server's) is
// "just now", never "in under a minute"; only a real future time is.
import assert from "node:assert/strict";
import { test } from "node:test";
import { relativeTime } from "@/lib/platform/relative-time";

const now = Date.parse("2026-12-02T12:00:00Z");
const at = (seconds: number) => new Date(now + seconds * 1000);

test("the past and clock skew read as past; only a real future reads as future", () => {
  for (const seconds of [-59, -1, 0, 0.3, 4.9]) assert.equal(relativeTime(at(seconds), now), "just now", `${seconds}`);
  assert.equal(relativeTime(at(20), now), "in under a minute");
  assert.equal(relativeTime(at(-90), now), "1 minute ago");
  assert.equal(relativeTime(at(3 * 3600), now), "in 3 hours");
});
