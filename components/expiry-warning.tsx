import type { ExpiryWarning as Warning } from "@/lib/identities/warnings";

/** "within N days" beside a refresh token's end: amber at the widest threshold, red nearer. */
export function ExpiryWarning({ warning }: { warning: Warning | null }) {
  if (!warning) return null;
  const tone = warning.severe ? "bg-red-50 text-red-800 ring-red-300" : "bg-amber-50 text-amber-900 ring-amber-300";
  return (
    <span className={`ml-2 inline-flex rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${tone}`}>
      within {warning.withinDays} {warning.withinDays === 1 ? "day" : "days"}
    </span>
  );
}
