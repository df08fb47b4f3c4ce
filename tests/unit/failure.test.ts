// The one failure path: every boundary (server actions, route handlers, the token broker) answers an error through
// failureOf, so the same error gets the same status, code, message and Retry-After everywhere.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BrokerError } from "@/lib/broker/errors";
import { BROKER_ERRORS } from "@/lib/broker/schemas";
import { AppError } from "@/lib/platform/errors";
import { failureOf, failureResponse } from "@/lib/platform/failure";

test("an AppError says its own status, code, message, Retry-After and field errors", () => {
  const fieldErrors = { name: ["Too long."] };
  assert.deepEqual(failureOf(new AppError("rate_limited", "Wait.", { retryAfterSeconds: 7, fieldErrors }), "test"), {
    status: 429,
    code: "rate_limited",
    message: "Wait.",
    retryAfter: 7,
    fieldErrors,
  });
  assert.equal(failureOf(new AppError("not_found", "No such identity."), "test").status, 404);
});

test("a BrokerError's status is its row in BROKER_ERRORS, for every code", () => {
  for (const [code, row] of Object.entries(BROKER_ERRORS)) {
    if (code === "internal") continue;
    const failure = failureOf(new BrokerError(code as never, "why", row.retryAfter ? 5 : undefined), "test");
    assert.equal(failure.status, row.status, code);
    assert.equal(failure.code, code);
  }
});

test("the database being away is a 503 with Retry-After, not a fault", () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  const failure = failureOf(refused, "test");
  assert.equal(failure.status, 503);
  assert.equal(failure.code, "service_unavailable");
  assert.ok(failure.retryAfter && failure.retryAfter > 0);
  assert.equal(failure.reference, undefined);
});

test("anything else is a 500 with a reference and never its own text; the response is no-store JSON", async () => {
  const failure = failureOf(new Error("secret detail at /srv/x.ts:12"), "test");
  assert.equal(failure.status, 500);
  assert.equal(failure.code, "internal");
  assert.match(failure.message, new RegExp(`reference ${failure.reference}`));
  assert.doesNotMatch(failure.message, /secret detail/);
  const response = failureResponse(
    failureOf(new AppError("service_unavailable", "Later.", { retryAfterSeconds: 5 }), "t"),
  );
  assert.equal(response.status, 503);
  assert.equal(response.headers.get("cache-control"), "no-store");
  assert.equal(response.headers.get("retry-after"), "5");
  assert.deepEqual(await response.json(), { error: "service_unavailable", message: "Later." });
});
