import type { Metadata } from "next";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ActionButton } from "@/components/action-button";
import { Card, PageTitle } from "@/components/ui";
import { When } from "@/components/when";
import { requireUser } from "@/lib/server/auth/dal";
import { loadAnaplanProfile } from "@/lib/users/profile";
import { refreshNow } from "./actions";

export const metadata: Metadata = { title: "Profile" };

function Row({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 py-2.5">
      <dt className="text-sm font-medium text-slate-500">{label}</dt>
      <dd className="col-span-2 break-all text-sm text-slate-900">{value}</dd>
    </div>
  );
}

export default async function ProfilePage() {
  const session = await requireUser();
  const profile = await loadAnaplanProfile(session.grantId);
  // Anaplan refused this session's authorisation for good: the session is over (the sign-in page says why).
  if (!profile.ok && profile.reauthenticate) redirect("/signin");
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-12">
      <PageTitle>{session.user.name}</PageTitle>
      {profile.ok ? (
        <Card aria-labelledby="anaplan-profile">
          <h2 id="anaplan-profile" className="text-lg font-semibold text-slate-900">
            Your Anaplan profile
          </h2>
          <dl className="mt-3 divide-y divide-slate-100">
            <Row label="Name" value={`${profile.anaplan.firstName} ${profile.anaplan.lastName}`} />
            <Row label="Email" value={profile.anaplan.email} />
            <Row label="Anaplan user id" value={profile.anaplan.id} />
            <Row label="Customer id" value={profile.anaplan.customerId ?? "—"} />
            <Row label="Last Anaplan login" value={<When at={profile.anaplan.lastLoginDate} />} />
            <Row label="Signed in to the portal" value={<When at={session.user.lastSignInAt} />} />
            <Row label="Portal role" value={session.user.isPortalAdmin ? "Portal admin" : "User"} />
            <Row label="Session's Anaplan token expires" value={<When at={profile.tokenExpiresAt} />} />
          </dl>
          <div className="mt-4">
            <ActionButton action={refreshNow} label="Refresh now" pendingLabel="Refreshing…" tone="secondary" />
          </div>
        </Card>
      ) : (
        <section role="alert" className="rounded-lg bg-amber-50 p-6 ring-1 ring-amber-200">
          <h2 className="font-semibold text-amber-900">Anaplan is not answering</h2>
          <p className="mt-1 text-sm text-amber-900">{profile.message}</p>
        </section>
      )}
    </main>
  );
}
