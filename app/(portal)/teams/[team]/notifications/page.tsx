import type { Metadata } from "next";
import { ActionButton } from "@/components/action-button";
import { ConfirmAction } from "@/components/confirm-action";
import { RefreshWhile } from "@/components/refresh-while";
import { Card, PageTitle } from "@/components/ui";
import { When } from "@/components/when";
import { EVENT_TYPES } from "@/lib/audit/events";
import { listWebhooks } from "@/lib/notify/webhooks";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf } from "@/lib/teams/access";
import { addWebhookAction, redeliverAction, removeWebhookAction, sendTestEventAction } from "./actions";
import { AddWebhookForm } from "./add-webhook-form";

export const metadata: Metadata = { title: "Notifications" };

type Props = { params: Promise<{ team: string }> };

const STATUS_STYLE = {
  delivered: "bg-emerald-50 text-emerald-800",
  pending: "bg-sky-50 text-sky-800",
  retrying: "bg-amber-50 text-amber-900",
  failed: "bg-red-50 text-red-800",
};

/** What a row shows: a pending delivery that has failed before is retrying, not merely waiting for its first try. */
const shownStatus = (d: { status: "pending" | "delivered" | "failed"; attempts: number }) =>
  d.status === "pending" && d.attempts > 0 ? "retrying" : d.status;

export default async function NotificationsPage({ params }: Props) {
  const { team: slug } = await params;
  const session = await requireUser();
  const { endpoints } = await orNotFound(listWebhooks(actorOf(session), slug));
  const inFlight = endpoints.some((e) => e.deliveries.some((d) => d.status === "pending"));
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-12">
      <RefreshWhile active={inFlight} />
      <div>
        <PageTitle className="mt-2">Notifications</PageTitle>
        <p className="mt-1 text-sm text-slate-600">
          Webhooks tell your systems when an identity needs attention, is deactivated or revoked, or finishes enrolment:{" "}
          {EVENT_TYPES.filter((t) => t !== "webhook.test").join(", ")}. Failed deliveries are retried for about a day.
        </p>
      </div>
      <Card aria-labelledby="add-webhook">
        <h2 id="add-webhook" className="mb-3 text-lg font-semibold text-slate-900">
          Add a webhook
        </h2>
        <AddWebhookForm action={addWebhookAction.bind(null, slug)} />
      </Card>
      {endpoints.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-sm text-slate-600">
          No webhooks yet.
        </p>
      ) : (
        endpoints.map((e) => (
          <Card key={e.id} aria-label={`Webhook ${e.url}`} className="flex flex-col gap-4">
            <div className="flex flex-wrap items-start justify-between gap-3">
              <div className="min-w-0">
                <p className="break-all font-mono text-sm text-slate-900">{e.url}</p>
                <p className="text-xs text-slate-500">
                  Added <When at={e.createdAt} />
                </p>
              </div>
              <div className="flex flex-wrap items-start gap-3">
                <ActionButton
                  action={sendTestEventAction.bind(null, slug, e.id)}
                  label="Send test event"
                  pendingLabel="Queuing…"
                  tone="secondary"
                />
                <ConfirmAction
                  action={removeWebhookAction.bind(null, slug, e.id)}
                  label="Remove"
                  confirmLabel="Remove this webhook"
                  pendingLabel="Removing…"
                >
                  No more events go to this URL, and its delivery log is deleted.
                </ConfirmAction>
              </div>
            </div>
            {e.deliveries.length === 0 ? (
              <p className="text-sm text-slate-600">No deliveries yet.</p>
            ) : (
              <table className="stack-on-phone min-w-full divide-y divide-slate-200 text-sm">
                <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                  <tr>
                    <th className="px-3 py-2">Event</th>
                    <th className="px-3 py-2">Status</th>
                    <th className="px-3 py-2">Attempts</th>
                    <th className="px-3 py-2">Last answer</th>
                    <th className="px-3 py-2">Created</th>
                    <th className="px-3 py-2">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {e.deliveries.map((d) => (
                    <tr key={d.id} aria-label={`Delivery of ${d.eventType}`}>
                      <td data-label="Event" className="px-3 py-2 font-mono text-xs">
                        {d.eventType}
                      </td>
                      <td data-label="Status" className="px-3 py-2">
                        <span
                          className={`rounded-full px-2 py-0.5 text-xs font-semibold ${STATUS_STYLE[shownStatus(d)]}`}
                        >
                          {shownStatus(d)}
                        </span>
                        {shownStatus(d) === "retrying" && d.nextAttemptAt ? (
                          <span className="block text-xs text-slate-500">
                            next try <When at={d.nextAttemptAt} />
                          </span>
                        ) : null}
                      </td>
                      <td data-label="Attempts" className="px-3 py-2">
                        {d.attempts}
                      </td>
                      <td data-label="Last answer" className="px-3 py-2 text-slate-700">
                        {d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? "—")}
                      </td>
                      <td data-label="Created" className="px-3 py-2 text-slate-700">
                        <When at={d.createdAt} />
                      </td>
                      <td className="px-3 py-2">
                        <ActionButton
                          action={redeliverAction.bind(null, slug, d.id)}
                          label="Redeliver"
                          pendingLabel="Queuing…"
                          tone="secondary"
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        ))
      )}
    </main>
  );
}
