import { PageTitle, WaysOut } from "@/components/ui";

/** 403: signed in, and a member where it matters, but the page is for admins (lib/server/pages.ts orNotFound). */
export default function Forbidden() {
  return (
    <main className="mx-auto flex max-w-xl flex-col gap-4 px-6 py-20">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-600">Admins only</p>
      <PageTitle>Only admins can open this page</PageTitle>
      <p className="text-slate-600">
        Only team admins can manage a team&apos;s identities, keys, members, notifications and audit trail, and only
        portal admins can manage users and read the portal-wide audit. Ask one of them if you need this.
      </p>
      <WaysOut />
    </main>
  );
}
