import type { z } from "zod";
import { readBounded } from "@/lib/platform/bounded-body";
import { failure, isRecord } from "./classify";
import { AnaplanError } from "./errors";

export type CallOptions = { timeoutMs?: number };

// Anaplan's token JSON is a few KB; 64 KB leaves room for large tokens and still bounds memory per call.
const MAX_BODY_BYTES = 64 * 1024;
// Request fields whose values must not survive in an error, should the server echo them in its description.
const SECRET_FIELDS = new Set(["client_secret", "code", "code_verifier", "device_code", "refresh_token", "token"]);
let defaultTimeoutMs = 10_000;

/** Module-wide default for calls that pass no `timeoutMs` (security-requirements §3.1: total ≈ 10–15 s). */
export function setDefaultTimeoutMs(ms: number): void {
  if (!Number.isInteger(ms) || ms <= 0) throw new RangeError("timeout must be a positive whole number of ms");
  defaultTimeoutMs = ms;
}

type Spec = CallOptions & {
  method: "GET" | "POST";
  url: string;
  json?: Record<string, string>;
  /** A form body (RFC 7009 revocation requires one); Anaplan's own endpoints take JSON. */
  form?: Record<string, string>;
  /** Sent as `Authorization: AnaplanAuthToken <token>`, the one scheme every Anaplan host accepts. */
  accessToken?: string;
  /** Sent as `Authorization: CACertificate <base64 of the PEM>` (CA-certificate authentication). */
  certificate?: string;
  refresh?: boolean;
};

/**
 * The one way this module talks to Anaplan: one attempt, bounded in time and size, no redirects, and the body
 * checked against `schema`. No retries: only the caller knows whether repeating is safe (a refresh may already
 * have rotated the token). `sentAt` is taken before sending so lifetimes computed from it err on the short side.
 */
export async function request<T>(spec: Spec, schema: z.ZodType<T>): Promise<{ body: T; sentAt: number }> {
  const timeoutMs = spec.timeoutMs ?? defaultTimeoutMs;
  const headers = new Headers({ accept: "application/json" });
  if (spec.json) headers.set("content-type", "application/json");
  if (spec.form) headers.set("content-type", "application/x-www-form-urlencoded");
  if (spec.accessToken !== undefined) headers.set("authorization", `AnaplanAuthToken ${headerSafe(spec.accessToken)}`);
  if (spec.certificate !== undefined) {
    headers.set("authorization", `CACertificate ${Buffer.from(spec.certificate).toString("base64")}`);
  }
  const sentAt = Date.now();
  let response: Response;
  let bytes: Uint8Array | undefined;
  try {
    response = await fetch(spec.url, {
      method: spec.method,
      headers,
      body: spec.json ? JSON.stringify(spec.json) : spec.form && new URLSearchParams(spec.form).toString(),
      redirect: "manual",
      // Next.js extends fetch with a data cache; a response carrying tokens must never land in it.
      cache: "no-store",
      signal: AbortSignal.timeout(timeoutMs),
    });
    bytes = await readBounded(response, MAX_BODY_BYTES);
  } catch (error) {
    throw new AnaplanError("unavailable", { reason: transportReason(error, timeoutMs) });
  }

  const { status } = response;
  if (status >= 300 && status < 400) throw new AnaplanError("protocol", { status, reason: "redirect not followed" });
  const json = bytes && parseJson(bytes);
  // Some servers answer a pending device poll with 200 and an `error` member; the code decides, not the status.
  if (status < 200 || status >= 400 || (isRecord(json) && typeof json.error === "string")) {
    const sentValues = Object.entries({ ...spec.json, ...spec.form })
      .filter(([key]) => SECRET_FIELDS.has(key))
      .map(([, value]) => value);
    if (spec.accessToken) sentValues.push(spec.accessToken);
    throw failure({
      status,
      headers: response.headers,
      json,
      refresh: spec.refresh ?? false,
      authenticate: spec.certificate !== undefined,
      sentValues,
    });
  }
  if (!bytes) throw new AnaplanError("protocol", { status, reason: `response larger than ${MAX_BODY_BYTES} bytes` });
  const parsed = schema.safeParse(json);
  if (parsed.success) return { body: parsed.data, sentAt };
  // Issue paths name our own schema fields; the offending values are never included.
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".")))].filter(Boolean).join(", ");
  const reason = json === undefined ? "response is not JSON" : `invalid response${fields ? `: ${fields}` : ""}`;
  throw new AnaplanError("protocol", { status, reason });
}

// A value that is not a valid header would make fetch throw, which would be misread as a network failure.
function headerSafe(token: string): string {
  if (!/^[\x21-\x7E]+$/.test(token)) throw new TypeError("access token is not a valid HTTP header value");
  return token;
}

/**
 * Strict UTF-8 JSON, or undefined. A leading UTF-8 BOM is accepted and dropped (RFC 8259 §8.1 lets parsers
 * ignore it; TextDecoder does so by default) because it cannot change what the document means.
 */
function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

function transportReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === "TimeoutError") return `no complete answer within ${timeoutMs} ms`;
  const code = error instanceof Error && isRecord(error.cause) ? error.cause.code : undefined;
  return typeof code === "string" && /^[A-Z][A-Z_]{1,40}$/.test(code) ? `network error ${code}` : "network error";
}
