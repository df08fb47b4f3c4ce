// When a refresh token's end is near enough to warn about: EXPIRY_WARNING_DAYS (default 14, 3 and 1 days); for a
// certificate identity, its certificate's end: CERTIFICATE_EXPIRY_WARNING_DAYS (default 30, 14, 3 and 1 days).
import { env } from "@/lib/platform/env";

const DAY_MS = 24 * 3600_000;

export type ExpiryWarning = { withinDays: number; severe: boolean };

/**
 * The warning an expiry earns: the smallest configured threshold (in days) it falls within, if any; severe once
 * past the widest one (with the default, within 3 days or less).
 */
export function expiryWarning(
  at: Date | null,
  now = new Date(),
  thresholds = env().EXPIRY_WARNING_DAYS,
): ExpiryWarning | null {
  if (!at) return null;
  const days = (at.getTime() - now.getTime()) / DAY_MS;
  const crossed = thresholds.filter((t) => days <= t);
  if (crossed.length === 0) return null;
  const withinDays = Math.min(...crossed);
  return { withinDays, severe: withinDays < Math.max(...thresholds) };
}

/** The thresholds that apply to an identity of `kind`. */
export const warningDaysFor = (kind: "device_grant" | "certificate") =>
  kind === "certificate" ? env().CERTIFICATE_EXPIRY_WARNING_DAYS : env().EXPIRY_WARNING_DAYS;
