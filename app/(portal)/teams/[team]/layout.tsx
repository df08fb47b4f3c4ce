import type { ReactNode } from "react";
import { NavLink } from "@/components/nav-link";
import { can } from "@/lib/permissions";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf, requireTeam } from "@/lib/teams/access";

type Props = { children: ReactNode; params: Promise<{ team: string }> };

/** Every team page under the team's name and its tabs; a team the caller is not in is a 404 before anything renders. */
export default async function TeamLayout({ children, params }: Props) {
  const { team: slug } = await params;
  const { team, role } = await orNotFound(requireTeam(actorOf(await requireUser()), slug, "team.view"));
  const tabs = [
    { href: `/teams/${slug}/identities`, label: "Identities", shown: true },
    { href: `/teams/${slug}/members`, label: "Members", shown: true },
    { href: `/teams/${slug}/notifications`, label: "Notifications", shown: can(role, "webhook.manage") },
    { href: `/teams/${slug}/audit`, label: "Audit", shown: can(role, "audit.view") },
  ].filter((t) => t.shown);
  return (
    <>
      <div className="border-b border-slate-200 bg-white">
        <nav
          aria-label={`Team ${team.name}`}
          className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-1 px-4 sm:px-6"
        >
          <span className="mr-3 hidden py-2 text-sm font-semibold text-slate-900 sm:inline">{team.name}</span>
          {tabs.map((t) => (
            <NavLink
              key={t.href}
              href={t.href}
              className="border-b-2 px-2 py-2 text-sm font-medium hover:text-brand-700 sm:px-3"
              idleClassName="border-transparent text-slate-600"
              currentClassName="border-brand-600 text-brand-900"
            >
              {t.label}
            </NavLink>
          ))}
        </nav>
      </div>
      {children}
    </>
  );
}
