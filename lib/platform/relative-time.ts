// "in 3 days", "5 minutes ago", "just now": the relative half of the portal's one date format (components/when.tsx).
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** Up to this far ahead, a time is the database's clock running a moment before the server's: it happened. */
const CLOCK_SKEW_SECONDS = 5;

export function relativeTime(at: Date, now: number) {
  const seconds = (at.getTime() - now) / 1000;
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return seconds > CLOCK_SKEW_SECONDS ? "in under a minute" : "just now";
}
