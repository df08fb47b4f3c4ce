import type { Metadata } from "next";
import { RefreshWhile } from "@/components/refresh-while";
import { Card, EmptyState, PageTitle } from "@/components/ui";
import { EVENT_TYPES } from "@/lib/audit/events";
import { listWebhooks } from "@/lib/notify/webhooks";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf } from "@/lib/teams/access";
import { addWebhookAction } from "./actions";
import { AddWebhookForm } from "./add-webhook-form";
import { WebhookCard } from "./webhook-card";

export const metadata: Metadata = { title: "Notifications" };

type Props = { params: Promise<{ team: string }> };

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
        <EmptyState className="text-sm text-slate-600">No webhooks yet.</EmptyState>
      ) : (
        endpoints.map((e) => <WebhookCard key={e.id} slug={slug} endpoint={e} />)
      )}
    </main>
  );
}
