// The only reader (and, at boot, writer) of process.env. Everything else asks env() for validated settings.
import { z } from "zod";

const flag = z.enum(["0", "1"]).optional();
const url = (name: string) =>
  z
    .url({ protocol: /^https?$/, error: `${name} must be an absolute http(s) URL, e.g. https://example.com` })
    .transform((u) => u.replace(/\/+$/, ""));
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATA_DIR: z.string().default(".data"),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://")
      .optional(),
  ),
  MIGRATE_ON_START: flag,
  /** Set by boot, not by operators: the database is the embedded one, so this is a demo, not production. */
  PORTAL_EMBEDDED_DATABASE: flag,
  /** Test rigs only: `next start` on a database of its own, on http://localhost, with the simulator. Never production. */
  PORTAL_TEST_RIG: flag,
  NEXTAUTH_URL: optionalText.pipe(url("NEXTAUTH_URL").optional()),
  NEXTAUTH_SECRET: optionalText.pipe(
    z.string().min(32, "NEXTAUTH_SECRET must be at least 32 characters of random data").optional(),
  ),
  TOKEN_ENCRYPTION_KEYS: optionalText,
  ANAPLAN_SIMULATOR: flag,
  /** Send PKCE with sign-in. Anaplan documents none, so it defaults to off with real Anaplan, on with the simulator. */
  ANAPLAN_PKCE: flag,
  /** The one escape hatch from "real Anaplan needs an https, non-loopback callback": tests and tunnels. */
  ANAPLAN_ALLOW_HTTP_CALLBACK: flag,
  SIMULATOR_OPERATOR_TOKEN: optionalText,
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  /**
   * The address the simulator listens on and puts in its links and QR codes. The default is reachable from this
   * computer only; a LAN address lets a phone approve a device code (and exposes the demo accounts to that LAN).
   */
  SIMULATOR_HOST: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, "SIMULATOR_HOST must be a host name or an IPv4 address")
    .default("127.0.0.1"),
  /** `npm run start:cluster` only: how many app instances behind nginx, and where Debian put nginx. */
  CLUSTER_INSTANCES: z.coerce.number().int().min(1).max(16).default(2),
  NGINX_BIN: z.string().default("/usr/sbin/nginx"),
  ANAPLAN_OAUTH_URL: url("ANAPLAN_OAUTH_URL").default("https://us1a.app.anaplan.com"),
  ANAPLAN_API_URL: url("ANAPLAN_API_URL").default("https://api.anaplan.com"),
  ANAPLAN_AUTH_URL: url("ANAPLAN_AUTH_URL").default("https://auth.anaplan.com"),
  /** RFC 7009 revocation endpoint; Anaplan documents none, so revocation there is attempted only when set. */
  ANAPLAN_REVOCATION_URL: optionalText.pipe(url("ANAPLAN_REVOCATION_URL").optional()),
  /**
   * OpenID RP-initiated logout endpoint: signing out of the portal also ends the browser's session there. Anaplan
   * documents none, so with real Anaplan sign-out ends the portal session only; the simulator offers one.
   */
  ANAPLAN_END_SESSION_URL: optionalText.pipe(url("ANAPLAN_END_SESSION_URL").optional()),
  /** Days before a refresh token's end at which the dashboard warns, e.g. "14,3,1". */
  EXPIRY_WARNING_DAYS: z
    .string()
    .regex(/^\d{1,3}(,\d{1,3})*$/, "EXPIRY_WARNING_DAYS is a comma-separated list of days, e.g. 14,3,1")
    .default("14,3,1")
    .transform((v) => v.split(",").map(Number)),
  /** Days before a certificate's notAfter at which the dashboard warns; certificates live for years. */
  CERTIFICATE_EXPIRY_WARNING_DAYS: z
    .string()
    .regex(/^\d{1,3}(,\d{1,3})*$/, "CERTIFICATE_EXPIRY_WARNING_DAYS is a comma-separated list of days, e.g. 30,14,3,1")
    .default("30,14,3,1")
    .transform((v) => v.split(",").map(Number)),
  /** SMTP server for email notifications (smtp://user:pass@host:587 or smtps://…); no email without it. */
  SMTP_URL: optionalText.pipe(
    z.url({ protocol: /^smtps?$/, error: "SMTP_URL must be smtp:// or smtps://" }).optional(),
  ),
  SMTP_FROM: z.string().trim().default("Anaplan Token Portal <portal@localhost>"),
  /** "1" lets webhooks reach private, loopback and link-local addresses; the default outside production only. */
  WEBHOOK_ALLOW_PRIVATE: flag,
  /** "1" lets a trusted-workload issuer be http:// on a loopback address (tests, a local issuer); https otherwise. */
  WORKLOAD_ISSUER_ALLOW_HTTP: flag,
  /** The least time between two fetches of an issuer's JWKS for an unknown `kid` (jose's cooldown). */
  WORKLOAD_JWKS_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** The health sweep: grants handled at once per instance, calls per minute per Anaplan host (all instances
   * together), and how often a grant that needs no refresh has its access token validated. */
  KEEP_ALIVE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  ANAPLAN_CALLS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(300),
  HEALTH_CHECK_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  SESSION_CHECK_MINUTES: z.coerce.number().int().min(1).max(720).default(5),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** How often the sweep (and expiry notices, lapsed sessions, pruning) runs; each run drains what is due. */
  KEEP_ALIVE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** "0": this app instance runs no background work (a separate `npm run worker` process does). */
  PORTAL_WORKER: z.enum(["0", "1"]).default("1"),
  /** Bearer token that GET /api/metrics requires; without it the endpoint does not exist (404). */
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional()),
  /** Token requests per API key per minute, counted in Postgres across instances. */
  BROKER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /** Gateway calls (/api/v1/anaplan/…) per API key per minute, counted apart from the broker's. */
  GATEWAY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(6000),
  /** How long the record of gateway calls is kept (the worker prunes older rows). */
  GATEWAY_LOG_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** A gateway call fails after this long without a byte from Anaplan or the script (not a whole-transfer limit). */
  GATEWAY_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
  ANAPLAN_CLIENT_ID: optionalText,
  ANAPLAN_CLIENT_SECRET: optionalText,
  ANAPLAN_DEVICE_CLIENT_ID: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9a-f]{32}$/, "ANAPLAN_DEVICE_CLIENT_ID must be 32 lowercase hex characters")
      .optional(),
  ),
  /** The refresh-token TTL set on ANAPLAN_DEVICE_CLIENT_ID (Anaplan's default for Rotatable clients is 43,000 s). */
  ANAPLAN_DEVICE_CLIENT_TTL_SECONDS: z.coerce.number().int().min(60).max(31_556_926).default(43_000),
  ADMIN_EMAILS: optionalText,
  /** Comma-separated Anaplan customer (tenant) ids whose users may sign in; empty means any. */
  ANAPLAN_CUSTOMER_IDS: optionalText.pipe(
    z
      .string()
      .regex(
        /^[0-9a-fA-F]{32}(\s*,\s*[0-9a-fA-F]{32})*$/,
        "ANAPLAN_CUSTOMER_IDS must be 32-hex customer ids, comma-separated",
      )
      .optional(),
  ),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

type Raw = z.infer<typeof schema>;

export type Env = Omit<
  Raw,
  | "ADMIN_EMAILS"
  | "ANAPLAN_CUSTOMER_IDS"
  | "MIGRATE_ON_START"
  | "ANAPLAN_SIMULATOR"
  | "PORTAL_EMBEDDED_DATABASE"
  | "ANAPLAN_ALLOW_HTTP_CALLBACK"
  | "ANAPLAN_PKCE"
  | "PORTAL_TEST_RIG"
> & {
  /** Production means real secrets and a real database: nothing is generated, the simulator needs an opt-in. */
  isProduction: boolean;
  useSimulator: boolean;
  /** The simulator runs elsewhere (its URLs were given), shared by several instances: `npm run start:cluster`. */
  sharedSimulator: boolean;
  allowHttpCallback: boolean;
  pkce: boolean;
  migrateOnStart: boolean;
  adminEmails: string[];
  customerIds: string[];
};

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`));
  }
  const raw = parsed.data;
  const isProduction =
    raw.NODE_ENV === "production" &&
    raw.DATABASE_URL !== undefined &&
    raw.PORTAL_EMBEDDED_DATABASE !== "1" &&
    raw.PORTAL_TEST_RIG !== "1";
  const useSimulator = raw.ANAPLAN_SIMULATOR ? raw.ANAPLAN_SIMULATOR === "1" : !raw.ANAPLAN_CLIENT_ID && !isProduction;
  const problems: string[] = [];
  if (!useSimulator) {
    if (!raw.ANAPLAN_CLIENT_ID)
      problems.push("ANAPLAN_CLIENT_ID: required when the simulator is off (set ANAPLAN_SIMULATOR=1 to use it)");
    if (!raw.ANAPLAN_CLIENT_SECRET) problems.push("ANAPLAN_CLIENT_SECRET: required with ANAPLAN_CLIENT_ID");
    // A missing NEXTAUTH_URL in production is already reported below.
    const checkCallback = raw.ANAPLAN_ALLOW_HTTP_CALLBACK !== "1" && (raw.NEXTAUTH_URL || !isProduction);
    const callback = checkCallback ? callbackUrlProblem(raw.NEXTAUTH_URL) : undefined;
    if (callback) problems.push(callback);
  }
  if (isProduction) {
    if (!raw.NEXTAUTH_SECRET) problems.push("NEXTAUTH_SECRET: required in production (32+ random characters)");
    if (!raw.TOKEN_ENCRYPTION_KEYS) problems.push("TOKEN_ENCRYPTION_KEYS: required in production (see README)");
    if (!raw.NEXTAUTH_URL) problems.push("NEXTAUTH_URL: required in production (the portal's public https URL)");
    problems.push(...productionProblems(raw));
  }
  if (problems.length > 0) throw new EnvError(problems);
  const {
    ADMIN_EMAILS,
    ANAPLAN_CUSTOMER_IDS,
    MIGRATE_ON_START,
    ANAPLAN_ALLOW_HTTP_CALLBACK,
    ANAPLAN_PKCE,
    ANAPLAN_SIMULATOR: _sim,
    PORTAL_EMBEDDED_DATABASE: _e,
    PORTAL_TEST_RIG: _rig,
    ...rest
  } = raw;
  return {
    ...rest,
    isProduction,
    useSimulator,
    sharedSimulator: useSimulator && source.ANAPLAN_OAUTH_URL !== undefined,
    allowHttpCallback: ANAPLAN_ALLOW_HTTP_CALLBACK === "1",
    pkce: ANAPLAN_PKCE ? ANAPLAN_PKCE === "1" : useSimulator,
    migrateOnStart: MIGRATE_ON_START !== "0",
    adminEmails: (ADMIN_EMAILS ?? "")
      .split(",")
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
    customerIds: (ANAPLAN_CUSTOMER_IDS ?? "")
      .split(",")
      .map((id) => id.trim().toLowerCase())
      .filter(Boolean),
  };
}

/** What production refuses outright: plain http anywhere, the simulator, and no named portal admins. */
function productionProblems(raw: Raw): string[] {
  const problems: string[] = [];
  const urls = [
    "NEXTAUTH_URL",
    "ANAPLAN_OAUTH_URL",
    "ANAPLAN_API_URL",
    "ANAPLAN_AUTH_URL",
    "ANAPLAN_REVOCATION_URL",
    "ANAPLAN_END_SESSION_URL",
  ] as const;
  for (const name of urls) {
    const value = raw[name];
    if (value && !value.startsWith("https://")) problems.push(`${name}: must be https:// in production`);
  }
  if (raw.ANAPLAN_SIMULATOR === "1") {
    problems.push("ANAPLAN_SIMULATOR: the simulator is not allowed in production (it is not Anaplan)");
  }
  if (!raw.ADMIN_EMAILS) {
    problems.push("ADMIN_EMAILS: required in production (otherwise the first person to sign in becomes portal admin)");
  }
  return problems;
}

const LOOPBACK = /^(localhost|.+\.localhost|127(\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/i;

/**
 * Anaplan registers callback URLs on https and public hosts only, so a portal on http or localhost can never
 * complete a real sign-in: better to stop at start-up than at the first user's callback.
 */
function callbackUrlProblem(url: string | undefined): string | undefined {
  const why =
    "real Anaplan only accepts https callback URLs on a non-loopback host (set ANAPLAN_ALLOW_HTTP_CALLBACK=1 for tests or tunnels)";
  if (!url) return `NEXTAUTH_URL: required when real Anaplan is configured; ${why}`;
  const parsed = new URL(url);
  if (parsed.protocol !== "https:") return `NEXTAUTH_URL: ${parsed.protocol} is not https; ${why}`;
  if (LOOPBACK.test(parsed.hostname)) return `NEXTAUTH_URL: ${parsed.hostname} is a loopback host; ${why}`;
  return undefined;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** The portal's public origin: NEXTAUTH_URL, or (before boot has published it, as in tests) this port on localhost. */
export function portalUrl(): string {
  const settings = env();
  return settings.NEXTAUTH_URL ?? `http://localhost:${settings.PORT}`;
}

/**
 * Boot publishes what it resolved (embedded database URL, simulator URLs, generated development secrets) into
 * process.env, because Next.js bundles instrumentation and routes separately and next-auth reads a few variables
 * itself: process.env is the one thing they all share.
 */
export function publishEnv(values: Partial<Record<keyof Raw, string>>): Env {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) process.env[key] = value;
  }
  cached = undefined;
  return env();
}
