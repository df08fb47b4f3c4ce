import { ActionButton } from "@/components/action-button";
import { ConfirmAction } from "@/components/confirm-action";
import { TableHead } from "@/components/table-head";
import { Card } from "@/components/ui";
import { When } from "@/components/when";
import type { listWebhooks } from "@/lib/notify/webhooks";
import { redeliverAction, removeWebhookAction, sendTestEventAction } from "./actions";

type Endpoint = Awaited<ReturnType<typeof listWebhooks>>["endpoints"][number];

const STATUS_STYLE = {
  delivered: "bg-emerald-50 text-emerald-800",
  pending: "bg-sky-50 text-sky-800",
  retrying: "bg-amber-50 text-amber-900",
  failed: "bg-red-50 text-red-800",
};

/** What a row shows: a pending delivery that has failed before is retrying, not merely waiting for its first try. */
const shownStatus = (d: { status: "pending" | "delivered" | "failed"; attempts: number }) =>
  d.status === "pending" && d.attempts > 0 ? "retrying" : d.status;

/** One endpoint: its URL, a test event, removal, and its recent deliveries with a redeliver button each. */
export function WebhookCard({ slug, endpoint: e }: { slug: string; endpoint: Endpoint }) {
  return (
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
          <TableHead columns={["Event", "Status", "Attempts", "Last answer", "Created", { hidden: "Actions" }]} />
          <tbody className="divide-y divide-slate-100">
            {e.deliveries.map((d) => (
              <DeliveryRow key={d.id} slug={slug} delivery={d} />
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function DeliveryRow({ slug, delivery: d }: { slug: string; delivery: Endpoint["deliveries"][number] }) {
  return (
    <tr aria-label={`Delivery of ${d.eventType}`}>
      <td data-label="Event" className="px-3 py-2 font-mono text-xs">
        {d.eventType}
      </td>
      <td data-label="Status" className="px-3 py-2">
        <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${STATUS_STYLE[shownStatus(d)]}`}>
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
  );
}
