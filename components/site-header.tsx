import Link from "next/link";
import { SignOutButton } from "./auth-buttons";
import { SimulatorBadge } from "./simulator-badge";

export function SiteHeader({
  simulator,
  user,
}: {
  simulator: boolean;
  user: { name: string; isPortalAdmin: boolean } | null;
}) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl items-center gap-4 px-6 py-3">
        <Link href="/" className="font-semibold text-brand-900">
          Anaplan Token Portal
        </Link>
        {simulator ? <SimulatorBadge /> : null}
        <nav aria-label="Main" className="ml-auto flex items-center gap-4 text-sm">
          {user ? (
            <>
              <Link href="/teams" className="text-slate-700 hover:text-brand-700">
                Teams
              </Link>
              {user.isPortalAdmin ? (
                <>
                  <Link href="/admin/users" className="text-slate-700 hover:text-brand-700">
                    Users
                  </Link>
                  <Link href="/admin/audit" className="text-slate-700 hover:text-brand-700">
                    Audit
                  </Link>
                </>
              ) : null}
              <Link href="/profile" className="text-slate-700 hover:text-brand-700">
                {user.name}
              </Link>
              <SignOutButton />
            </>
          ) : (
            <Link href="/signin" className="font-medium text-brand-700 hover:underline">
              Sign in
            </Link>
          )}
        </nav>
      </div>
    </header>
  );
}
