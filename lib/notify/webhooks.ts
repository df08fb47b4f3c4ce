// A team's webhook endpoints, managed by its admins: add (the signing secret is shown once), remove, send a test
// event, redeliver a delivery, and read the delivery log. Every function authorizes against the team and scopes
// by it, so another team's ids are unknown ids.
import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { deliveryRows } from "@/lib/audit/outbox";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { visibleText } from "@/lib/platform/names";
import { type Actor, requireTeam } from "@/lib/teams/access";
import { aadFor, vault } from "@/lib/vault";
import { newWebhookSecret } from "./signature";
import { assertDeliverableUrl, type Resolve, systemResolve } from "./url-policy";

const MAX_ENDPOINTS = 10;
export const endpointFields = z.strictObject({
  url: visibleText(2000).pipe(z.string().min(1, "Enter a URL.")),
});

const notFound = () => new AppError("not_found", "No such webhook in this team.");

/** `resolve` looks the URL's host up for the address policy (a test's stands in for DNS). */
export async function addWebhook(
  actor: Actor,
  slug: string,
  fields: z.infer<typeof endpointFields>,
  resolve: Resolve = systemResolve,
) {
  const { team } = await requireTeam(actor, slug, "webhook.manage");
  await assertDeliverableUrl(fields.url, resolve);
  if ((await db().webhookEndpoint.count({ where: { teamId: team.id } })) >= MAX_ENDPOINTS) {
    throw new AppError("conflict", `A team has at most ${MAX_ENDPOINTS} webhooks; remove one first.`);
  }
  const id = randomUUID();
  const secret = newWebhookSecret();
  const sealed = new Uint8Array(await vault().seal(secret, aadFor("webhook_endpoints", id, "secret")));
  await db().webhookEndpoint.create({
    data: { id, teamId: team.id, url: fields.url, secret: sealed, createdById: actor.userId },
  });
  await recordAudit({
    action: "webhook.create",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "webhook",
    targetId: id,
    details: { url: fields.url },
  });
  return { id, secret };
}

async function endpointOf(teamId: string, id: string) {
  const endpoint = await db().webhookEndpoint.findFirst({ where: { id, teamId } });
  if (!endpoint) throw notFound();
  return endpoint;
}

export async function removeWebhook(actor: Actor, slug: string, id: string) {
  const { team } = await requireTeam(actor, slug, "webhook.manage");
  await db().webhookEndpoint.delete({ where: { id: (await endpointOf(team.id, id)).id } });
  await recordAudit({
    action: "webhook.delete",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "webhook",
    targetId: id,
  });
}

export async function sendTestEvent(actor: Actor, slug: string, id: string) {
  const { team } = await requireTeam(actor, slug, "webhook.manage");
  const endpoint = await endpointOf(team.id, id);
  await db().webhookDelivery.createMany({ data: deliveryRows("webhook.test", { team_id: team.id }, [endpoint.id]) });
}

/** Sends a delivered, failed or pending delivery again now, with a fresh attempt count. */
export async function redeliver(actor: Actor, slug: string, deliveryId: string) {
  const { team } = await requireTeam(actor, slug, "webhook.manage");
  const updated = await db().webhookDelivery.updateMany({
    where: { id: deliveryId, endpoint: { teamId: team.id } },
    data: { status: "pending", attempts: 0, nextAttemptAt: new Date(), leaseUntil: null },
  });
  if (updated.count === 0) throw new AppError("not_found", "No such delivery in this team.");
}

export async function listWebhooks(actor: Actor, slug: string) {
  const { team, role } = await requireTeam(actor, slug, "webhook.manage");
  const endpoints = await db().webhookEndpoint.findMany({
    where: { teamId: team.id },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      url: true,
      createdAt: true,
      deliveries: {
        orderBy: { createdAt: "desc" },
        take: 20,
        select: {
          id: true,
          eventType: true,
          status: true,
          attempts: true,
          lastStatusCode: true,
          lastError: true,
          nextAttemptAt: true,
          createdAt: true,
          deliveredAt: true,
        },
      },
    },
  });
  return { team, role, endpoints };
}
