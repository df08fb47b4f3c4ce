// JSON log lines through pino: info and debug on stdout, warn and error on stderr, each with the request's id when
// there is one (lib/platform/request-id.ts). Two lines of defence keep secrets out: every field under a secret-looking key
// is replaced at any depth before pino sees it (redact below), and pino's own redaction list covers the usual
// places again. Messages and values are JSON-escaped, so a user-supplied name cannot forge a line.
import pino, { type Logger } from "pino";
import { currentRequestId } from "@/lib/platform/request-id";

type Level = "debug" | "info" | "warn" | "error";

const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|device_?code|code_?verifier|^code$|key$/i;

/** The redaction list pino applies as well: headers, cookies and every token-bearing field name the portal uses. */
const REDACT_PATHS = [
  "authorization",
  "cookie",
  "*.authorization",
  "*.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
  "*.accessToken",
  "*.refreshToken",
  "*.access_token",
  "*.refresh_token",
  "*.client_secret",
  "*.clientSecret",
  "*.secret",
  "*.password",
  "*.key",
  "*.apiKey",
  "*.deviceCode",
  "*.device_code",
];

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 5) return "[deep]";
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1)]),
    );
  }
  return value;
}

function create(stream: NodeJS.WriteStream, level: Level): Logger {
  return pino(
    {
      level,
      base: undefined,
      messageKey: "msg",
      timestamp: () => `,"at":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    },
    // Written through the stream object (not pino's own fd writer) so lines interleave with everything else.
    { write: (line: string) => stream.write(line) },
  );
}

let threshold: Level = "info";
let out = create(process.stdout, threshold);
let err = create(process.stderr, threshold);

export function setLogLevel(level: Level) {
  threshold = level;
  out = create(process.stdout, level);
  err = create(process.stderr, level);
}

const fieldsOf = (fields?: Record<string, unknown>) => redact(fields ?? {}) as object;

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => out.debug(fieldsOf(fields), msg),
  info: (msg: string, fields?: Record<string, unknown>) => out.info(fieldsOf(fields), msg),
  warn: (msg: string, fields?: Record<string, unknown>) => err.warn(fieldsOf(fields), msg),
  error: (msg: string, fields?: Record<string, unknown>) => err.error(fieldsOf(fields), msg),
};
