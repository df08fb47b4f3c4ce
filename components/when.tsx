"use client";
// The portal's one date format: relative ("in 3 days", "5 minutes ago"), with the exact time in the viewer's own
// time zone on hover. The server renders in UTC and the browser re-renders in the viewer's zone after hydration,
// so the text may change by a moment; it is not a mismatch worth a warning.
import { useEffect, useState } from "react";
import { relativeTime } from "@/lib/platform/relative-time";

export function exactTime(at: Date, timeZone?: string) {
  return at.toLocaleString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  });
}

/** A date, or an em dash for none. `exact` shows the full time inline as well (for audit rows). */
export function When({ at, exact = false }: { at: Date | string | null | undefined; exact?: boolean }) {
  const [zone, setZone] = useState<string | undefined>("UTC");
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setZone(undefined);
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  if (!at) return <span>—</span>;
  const date = typeof at === "string" ? new Date(at) : at;
  const full = exactTime(date, zone);
  return (
    <time dateTime={date.toISOString()} title={full} suppressHydrationWarning>
      {exact ? full : relativeTime(date, now)}
    </time>
  );
}
