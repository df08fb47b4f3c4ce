import type { Metadata } from "next";
import { ActionButton } from "@/components/action-button";
import { ConfirmAction } from "@/components/confirm-action";
import { Card, CardList, EmptyState, PageTitle } from "@/components/ui";
import { can } from "@/lib/permissions";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf } from "@/lib/teams/access";
import { getTeamOverview } from "@/lib/teams/manage";
import { addMemberAction, cancelInviteAction, changeMemberRoleAction, removeMemberAction } from "../../actions";
import { AddMemberForm } from "./add-member-form";

export const metadata: Metadata = { title: "Members" };

type Props = { params: Promise<{ team: string }> };

export default async function MembersPage({ params }: Props) {
  const { team: slug } = await params;
  const session = await requireUser();
  const { team, role, members, invites } = await orNotFound(getTeamOverview(actorOf(session), slug));
  const manage = can(role, "team.manage_members");
  const admins = members.filter((m) => m.role === "admin").length;
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-8 px-6 py-12">
      <div>
        <PageTitle className="mt-2">Members of {team.name}</PageTitle>
      </div>
      {members.length === 0 ? (
        <EmptyState className="text-sm text-slate-600">
          No members yet. Portal admins manage this team until a member is added.
        </EmptyState>
      ) : (
        <CardList>
          {members.map((m) => (
            <MemberRow
              key={m.userId}
              slug={slug}
              teamName={team.name}
              member={m}
              you={m.userId === session.user.id}
              lastAdmin={m.role === "admin" && admins === 1}
              manage={manage}
            />
          ))}
        </CardList>
      )}
      {invites.length > 0 ? <Invites slug={slug} invites={invites} manage={manage} /> : null}
      {manage ? (
        <Card aria-labelledby="add-member">
          <h2 id="add-member" className="text-lg font-semibold text-slate-900">
            Add a member
          </h2>
          <AddMemberForm action={addMemberAction.bind(null, slug)} />
        </Card>
      ) : null}
    </main>
  );
}

type Overview = Awaited<ReturnType<typeof getTeamOverview>>;

function MemberRow({
  slug,
  teamName,
  member: m,
  you,
  lastAdmin,
  manage,
}: {
  slug: string;
  teamName: string;
  member: Overview["members"][number];
  you: boolean;
  lastAdmin: boolean;
  manage: boolean;
}) {
  const who = m.user.name || m.user.email;
  return (
    <li key={m.userId} className="flex flex-col gap-3 px-6 py-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <p className="font-medium text-slate-900">
            {m.user.name}
            {you ? <span className="text-slate-500"> (you)</span> : null}
          </p>
          <p className="break-all text-sm text-slate-600">{m.user.email}</p>
        </div>
        <span className="rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-semibold text-slate-700">
          {m.role}
          {lastAdmin ? " · last admin" : ""}
        </span>
      </div>
      {manage && !lastAdmin ? (
        <div className="flex flex-wrap items-start gap-3">
          <ConfirmAction
            action={changeMemberRoleAction.bind(null, slug, m.userId, m.role === "admin" ? "member" : "admin")}
            label={m.role === "admin" ? `Make ${who} a member` : `Make ${who} an admin`}
            confirmLabel={m.role === "admin" ? "Make member" : "Make admin"}
            pendingLabel="Changing…"
            tone="primary"
          >
            {m.role === "admin"
              ? `${who} will no longer manage members, identities, keys or the audit trail of ${teamName}.`
              : `${who} will manage members, identities, keys and the audit trail of ${teamName}.`}
          </ConfirmAction>
          <ConfirmAction
            action={removeMemberAction.bind(null, slug, m.userId)}
            label={`Remove ${who}`}
            confirmLabel="Remove"
            pendingLabel="Removing…"
          >
            {who} loses access to {teamName} at once. Identities and keys they created keep working.
          </ConfirmAction>
        </div>
      ) : null}
      {manage && lastAdmin ? (
        <p className="text-xs text-slate-500">
          The last admin can be neither removed nor made a member: appoint another admin first.
        </p>
      ) : null}
    </li>
  );
}

function Invites({ slug, invites, manage }: { slug: string; invites: Overview["invites"]; manage: boolean }) {
  return (
    <section aria-labelledby="invites">
      <h2 id="invites" className="text-lg font-semibold text-slate-900">
        Invited, not signed in yet
      </h2>
      <CardList className="mt-2">
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
      </CardList>
    </section>
  );
}
