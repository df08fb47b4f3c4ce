// Refusals worth a trace (a denied action, a failed sign-in) without letting a flood write a flood: the first one
// per caller and kind in each minute is audited and logged; the rest of that minute are only counted.
import "server-only";
import { log } from "@/lib/platform/log";
import { takeFromWindow } from "@/lib/platform/rate-limit";
import { type AuditEntry, recordAudit } from "./index";

export async function recordRefusal(caller: string, entry: AuditEntry) {
  const { count } = await takeFromWindow(`refusal:${entry.action}:${caller}`, 1);
  if (count > 1) return;
  await recordAudit({
    ...entry,
    details: { ...entry.details, note: "later refusals of this kind from this caller this minute are not recorded" },
  });
  log.info("refused", { action: entry.action, outcome: entry.outcome, ip: entry.actor?.ip ?? entry.ip, caller });
}
