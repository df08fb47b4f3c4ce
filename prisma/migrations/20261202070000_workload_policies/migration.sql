-- Keyless access (RFC 8693 token exchange at /api/v1/token): an identity trusts workloads whose platform-signed JWT
-- (GitHub Actions, GitLab CI, Kubernetes, any OIDC issuer) comes from `issuer`, names `audience` and matches every
-- condition (claim → exact value or glob). A pasted JWKS stands in for discovery where the issuer has none public.
CREATE TABLE "workload_policies" (
  "id" UUID NOT NULL,
  "identity_id" UUID NOT NULL,
  "name" TEXT NOT NULL,
  "preset" TEXT NOT NULL,
  "issuer" TEXT NOT NULL,
  "audience" TEXT NOT NULL,
  -- [{"claim": "repository", "pattern": "acme/etl"}, …]: every one must hold.
  "conditions" JSONB NOT NULL,
  "jwks" JSONB,
  "one_time_jti" BOOLEAN NOT NULL DEFAULT false,
  "max_token_age_seconds" INTEGER NOT NULL DEFAULT 3600,
  "created_by_id" UUID,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "last_used_at" TIMESTAMPTZ(3),
  CONSTRAINT "workload_policies_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "workload_policies_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "service_identities"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "workload_policies_identity_id_idx" ON "workload_policies"("identity_id");
CREATE UNIQUE INDEX "workload_policies_identity_id_name_key" ON "workload_policies"("identity_id", "name");

-- A policy with one-time use keeps each token's jti until the token expires; the worker prunes the rest.
CREATE TABLE "used_workload_tokens" (
  "policy_id" UUID NOT NULL,
  "jti" TEXT NOT NULL,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "used_workload_tokens_pkey" PRIMARY KEY ("policy_id", "jti"),
  CONSTRAINT "used_workload_tokens_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "workload_policies"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "used_workload_tokens_expires_at_idx" ON "used_workload_tokens"("expires_at");
