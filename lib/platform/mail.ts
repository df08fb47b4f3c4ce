// The SMTP connection (nodemailer), on when SMTP_URL is set. Bounded timeouts, so a dead mail server holds up
// neither a worker round nor the request that sends an invitation.
import "server-only";
import nodemailer from "nodemailer";
import { env } from "./env";

export type Mail = { to: string | string[]; subject: string; text: string };

/** Sends `mails` over one connection, or returns null without SMTP. Each result is the send's failure, if any. */
export async function sendMails(mails: Mail[]): Promise<(unknown | null)[] | null> {
  const settings = env();
  if (!settings.SMTP_URL) return null;
  const transport = nodemailer.createTransport(settings.SMTP_URL, { connectionTimeout: 10_000, socketTimeout: 10_000 });
  try {
    const results: (unknown | null)[] = [];
    for (const mail of mails)
      results.push(
        await transport.sendMail({ from: settings.SMTP_FROM, ...mail }).then(
          () => null,
          (error: unknown) => error ?? new Error("send failed"),
        ),
      );
    return results;
  } finally {
    transport.close();
  }
}
