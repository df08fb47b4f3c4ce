import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { ActionButton } from "@/components/action-button";
import { ConfirmAction } from "@/components/confirm-action";
import { SearchForm } from "@/components/search-form";
import { TableHead } from "@/components/table-head";
import { CARD_FRAME, EmptyState, PageTitle } from "@/components/ui";
import { When } from "@/components/when";
import { visibleText } from "@/lib/platform/names";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf } from "@/lib/teams/access";
import { listUsers } from "@/lib/users/admin";
import { setPortalAdminAction, setUserDisabledAction } from "./actions";

export const metadata: Metadata = { title: "Users" };

const query = z.object({
  q: visibleText(254).optional().catch(undefined),
  after: visibleText(320).optional().catch(undefined),
});

type Props = { searchParams: Promise<Record<string, string | undefined>> };

export default async function UsersPage({ searchParams }: Props) {
  const { q, after } = query.parse(await searchParams);
  const session = await requireUser();
  const { users, next } = await orNotFound(listUsers(actorOf(session), { q, after }));
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-10">
      <div>
        <PageTitle>Users</PageTitle>
        <p className="mt-1 text-sm text-slate-600">
          Everyone who has signed in. Disabling a user ends all their sessions and destroys their sealed Anaplan tokens
          at once; it does not touch their Anaplan account or any service identity.
        </p>
      </div>
      <SearchForm action="/admin/users" label="Search by email or name" value={q} />
      {users.length === 0 ? (
        <EmptyState className="text-sm text-slate-600">
          {after ? "No more users here; go back to the first page." : "No users match."}
        </EmptyState>
      ) : (
        <div className={`overflow-x-auto ${CARD_FRAME}`}>
          <table className="stack-on-phone min-w-full divide-y divide-slate-200 text-sm">
            <TableHead
              className="bg-slate-50"
              columns={["Email", "Name", "Role", "Status", "Last sign-in", { hidden: "Actions" }]}
            />
            <tbody className="divide-y divide-slate-100">
              {users.map((u) => (
                <UserRow key={u.id} user={u} self={u.id === session.user.id} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages" className="flex gap-4 text-sm">
        {after ? (
          <Link
            href={`/admin/users${q ? `?q=${encodeURIComponent(q)}` : ""}`}
            className="text-brand-700 hover:underline"
          >
            ← First page
          </Link>
        ) : null}
        {next ? (
          <Link
            href={`/admin/users?${new URLSearchParams({ ...(q ? { q } : {}), after: next })}`}
            className="text-brand-700 hover:underline"
          >
            Next page →
          </Link>
        ) : null}
      </nav>
    </main>
  );
}

type User = Awaited<ReturnType<typeof listUsers>>["users"][number];

function UserRow({ user: u, self }: { user: User; self: boolean }) {
  return (
    <tr aria-label={`User ${u.email}`}>
      <td data-label="Email" className="px-3 py-2 font-medium text-slate-900">
        {u.email}
      </td>
      <td data-label="Name" className="px-3 py-2 text-slate-700">
        {u.name}
      </td>
      <td data-label="Role" className="px-3 py-2 text-slate-700">
        {u.isPortalAdmin ? "portal admin" : "user"}
      </td>
      <td data-label="Status" className="px-3 py-2">
        {u.disabledAt ? "disabled" : "active"}
      </td>
      <td data-label="Last sign-in" className="px-3 py-2 text-slate-700">
        <When at={u.lastSignInAt} />
      </td>
      <td className="px-3 py-2">
        <div className="flex flex-wrap gap-2">
          {self ? (
            <span className="text-xs text-slate-500">you</span>
          ) : (
            <>
              {u.disabledAt ? (
                <ActionButton
                  action={setUserDisabledAction.bind(null, u.id, false)}
                  label="Enable"
                  pendingLabel="Enabling…"
                  tone="secondary"
                />
              ) : (
                <ConfirmAction
                  action={setUserDisabledAction.bind(null, u.id, true)}
                  label="Disable…"
                  confirmLabel={`Disable ${u.email}`}
                  pendingLabel="Disabling…"
                >
                  Every session of {u.email} ends now and their sealed Anaplan tokens are destroyed. They cannot sign in
                  until enabled again.
                </ConfirmAction>
              )}
              <ActionButton
                action={setPortalAdminAction.bind(null, u.id, !u.isPortalAdmin)}
                label={u.isPortalAdmin ? "Remove portal admin" : "Make portal admin"}
                pendingLabel="Saving…"
                tone="secondary"
              />
            </>
          )}
        </div>
      </td>
    </tr>
  );
}
