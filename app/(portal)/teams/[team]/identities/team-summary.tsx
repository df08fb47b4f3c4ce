import Link from "next/link";
import { ExpiryWarning } from "@/components/expiry-warning";
import { CARD_FRAME } from "@/components/ui";
import { When } from "@/components/when";
import type { teamSummary } from "@/lib/identities/summary";

type Summary = Awaited<ReturnType<typeof teamSummary>>;

/** What needs a look first: the next refresh tokens to end, and refreshes that failed for good today. */
export function TeamSummary({ slug, summary }: { slug: string; summary: Summary }) {
  return (
    <section aria-labelledby="summary" className="grid gap-4 md:grid-cols-[2fr_1fr]">
      <h2 id="summary" className="sr-only">
        Summary
      </h2>
      <div className={`p-4 text-sm ${CARD_FRAME}`}>
        <h3 className="font-semibold text-slate-900">Next refresh tokens to end</h3>
        {summary.nextExpiries.length === 0 ? (
          <p className="mt-1 text-slate-600">
            No active identity has an absolute end learned from Anaplan (the keep-alive renews sliding chains, and ones
            not known yet).
          </p>
        ) : (
          <ul className="mt-2 flex flex-col gap-1">
            {summary.nextExpiries.map((e) => (
              <li key={e.id} className="flex flex-wrap items-center gap-x-2">
                <Link href={`/teams/${slug}/identities/${e.id}`} className="break-all text-brand-700 hover:underline">
                  {e.name}
                </Link>
                <span className="text-slate-600">
                  <When at={e.at} />
                  {e.estimated ? " (estimated)" : ""}
                </span>
                <ExpiryWarning warning={e.warning} />
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className={`p-4 text-sm ${CARD_FRAME}`}>
        <h3 className="font-semibold text-slate-900">Last 24 hours</h3>
        <p className={`mt-1 ${summary.failuresLastDay ? "font-semibold text-amber-900" : "text-slate-600"}`}>
          {summary.failuresLastDay === 0
            ? "No refresh failed for good."
            : `${summary.failuresLastDay} refresh${summary.failuresLastDay === 1 ? "" : "es"} failed for good.`}
        </p>
      </div>
    </section>
  );
}
