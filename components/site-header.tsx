import Link from "next/link";
import { SignOutButton } from "./auth-buttons";
import { NavLink } from "./nav-link";
import { SimulatorBadge } from "./simulator-badge";

type User = { name: string; isPortalAdmin: boolean };

function NavLinks({ user }: { user: User }) {
  const link = {
    className: "hover:text-brand-700",
    idleClassName: "text-slate-700",
    currentClassName: "font-semibold text-brand-900",
  };
  return (
    <>
      <NavLink href="/teams" {...link}>
        Teams
      </NavLink>
      {user.isPortalAdmin ? (
        <>
          <NavLink href="/admin/users" {...link}>
            Users
          </NavLink>
          <NavLink href="/admin/audit" {...link}>
            Audit
          </NavLink>
        </>
      ) : null}
      <NavLink href="/profile" {...link}>
        {user.name}
      </NavLink>
      <SignOutButton />
    </>
  );
}

/** One row at every width: the links sit inline on wide screens and behind a Menu button on phones. */
export function SiteHeader({ simulator, user }: { simulator: boolean; user: User | null }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-3 sm:px-6">
        <Link href="/" className="shrink-0 font-semibold text-brand-900">
          Anaplan Token Portal
        </Link>
        {simulator ? <SimulatorBadge /> : null}
        {user ? (
          <>
            <nav aria-label="Main" className="ml-auto hidden items-center gap-4 text-sm md:flex">
              <NavLinks user={user} />
            </nav>
            <details className="relative ml-auto md:hidden">
              <summary className="cursor-pointer list-none rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-slate-300">
                Menu
              </summary>
              <nav
                aria-label="Main"
                className="absolute right-0 z-10 mt-2 flex w-56 flex-col items-start gap-3 rounded-lg bg-white p-4 text-sm shadow-lg ring-1 ring-slate-200"
              >
                <NavLinks user={user} />
              </nav>
            </details>
          </>
        ) : (
          <Link href="/signin" className="ml-auto text-sm font-medium text-brand-700 hover:underline">
            Sign in
          </Link>
        )}
      </div>
    </header>
  );
}
