import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/components/action-button";
import { requireUser } from "@/lib/auth/dal";
import { orNotFound } from "@/lib/pages";
import { can } from "@/lib/permissions";
import { actorOf } from "@/lib/teams/access";
import { getTeamOverview } from "@/lib/teams/manage";
import { addMemberAction, cancelInviteAction, removeMemberAction } from "../../actions";
import { AddMemberForm } from "./add-member-form";

export const metadata: Metadata = { title: "Members" };

type Props = { params: Promise<{ team: string }> };

export default async function MembersPage({ params }: Props) {
  const { team: slug } = await params;
  const session = await requireUser();
  const { team, role, members, invites } = await orNotFound(getTeamOverview(actorOf(session), slug));
  const manage = can(role, "team.manage_members");
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-8 px-6 py-12">
      <div>
        <Link href={`/teams/${slug}/identities`} className="text-sm text-brand-700 hover:underline">
          ← {team.name}: identities
        </Link>
        <h1 className="mt-2 text-3xl font-bold tracking-tight text-brand-900">Members of {team.name}</h1>
      </div>
      {members.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-sm text-slate-600">
          No members yet.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          {members.map((m) => (
            <li key={m.userId} className="flex flex-wrap items-center justify-between gap-4 px-6 py-3">
              <div>
                <p className="font-medium text-slate-900">{m.user.name}</p>
                <p className="text-sm text-slate-600">{m.user.email}</p>
              </div>
              <div className="flex items-center gap-4">
                <span className="rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-semibold text-slate-700">
                  {m.role}
                </span>
                {manage ? (
                  <ActionButton
                    action={removeMemberAction.bind(null, slug, m.userId)}
                    label="Remove"
                    pendingLabel="Removing…"
                    tone="danger"
                  />
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
      {invites.length > 0 ? (
        <section aria-labelledby="invites">
          <h2 id="invites" className="text-lg font-semibold text-slate-900">
            Invited, not signed in yet
          </h2>
          <ul className="mt-2 divide-y divide-slate-100 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            {invites.map((i) => (
              <li key={i.id} className="flex items-center justify-between px-6 py-3 text-sm">
                <span>
                  {i.email} · {i.role}
                </span>
                {manage ? (
                  <ActionButton
                    action={cancelInviteAction.bind(null, slug, i.id)}
                    label="Cancel invite"
                    pendingLabel="Cancelling…"
                    tone="secondary"
                  />
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {manage ? (
        <section aria-labelledby="add-member" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <h2 id="add-member" className="text-lg font-semibold text-slate-900">
            Add a member
          </h2>
          <AddMemberForm action={addMemberAction.bind(null, slug)} />
        </section>
      ) : null}
    </main>
  );
}
