"use server";
import { addWebhook, endpointFields, redeliver, removeWebhook, sendTestEvent } from "@/lib/notify/webhooks";
import { arg } from "@/lib/platform/validation";
import { defineAction } from "@/lib/server/actions";

const page = (slug: string) => [`/teams/${slug}/notifications`];

export const addWebhookAction = defineAction(
  { name: "webhook.create", args: [arg.slug], form: endpointFields, revalidate: page },
  async (actor, [slug], fields) => {
    const { secret } = await addWebhook(actor, slug, fields);
    return { message: "Webhook added. Copy its signing secret now: it is shown only once.", data: { secret } };
  },
);

export const removeWebhookAction = defineAction(
  { name: "webhook.delete", args: [arg.slug, arg.id], revalidate: page },
  async (actor, [slug, id]) => {
    await removeWebhook(actor, slug, id);
    return "Webhook removed.";
  },
);

export const sendTestEventAction = defineAction(
  { name: "webhook.test", args: [arg.slug, arg.id], revalidate: page },
  async (actor, [slug, id]) => {
    await sendTestEvent(actor, slug, id);
    return "Test event queued; it is sent within seconds.";
  },
);

export const redeliverAction = defineAction(
  { name: "webhook.redeliver", args: [arg.slug, arg.id], revalidate: page },
  async (actor, [slug, id]) => {
    await redeliver(actor, slug, id);
    return "Queued to be sent again.";
  },
);
