// The few shapes every page repeats, so a page says what it shows rather than how it is styled.
import Link from "next/link";
import type { ComponentProps, ReactNode } from "react";

export function PageTitle({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <h1 className={`text-3xl font-bold tracking-tight text-brand-900 ${className}`}>{children}</h1>;
}

/** The small line above a title that says where the page belongs (a team's name, a flow's name). */
export function Eyebrow({ children }: { children: ReactNode }) {
  return <p className="text-sm font-medium text-slate-500">{children}</p>;
}

/** The frame of every card: white, rounded, a hairline ring (for a table's scroll box or a description list). */
export const CARD_FRAME = "rounded-lg bg-white shadow-sm ring-1 ring-slate-200";

export function Card({ children, className = "", ...rest }: ComponentProps<"section">) {
  return (
    <section className={`${CARD_FRAME} p-6 ${className}`} {...rest}>
      {children}
    </section>
  );
}

/** A card that is a list: one row per item, divided by hairlines. */
export function CardList({ className = "", ...rest }: ComponentProps<"ul">) {
  return <ul className={`divide-y divide-slate-100 ${CARD_FRAME} ${className}`} {...rest} />;
}

/** What a list shows while it has nothing: what is missing, and what to do about it. */
export function EmptyState({ children, className = "" }: { children: ReactNode; className?: string }) {
  return (
    <div className={`rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center ${className}`}>
      {children}
    </div>
  );
}

export const primaryButton =
  "rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700";

/** A link that looks like the page's main button. */
export function ButtonLink({ className = "", ...rest }: ComponentProps<typeof Link>) {
  return <Link className={`${primaryButton} ${className}`} {...rest} />;
}

/** "← name": back to the page this one belongs to (an edit or enrolment page to its identity). */
export function BackLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className="mb-2 inline-block text-sm text-brand-700 hover:underline">
      ← {children}
    </Link>
  );
}

/** Where an error page sends someone: their teams, or home. */
export function WaysOut() {
  return (
    <div className="flex gap-4">
      <ButtonLink href="/teams">Your teams</ButtonLink>
      <Link href="/" className="rounded-md px-4 py-2 text-sm font-semibold text-brand-700 ring-1 ring-brand-600">
        Home
      </Link>
    </div>
  );
}
