// The mail that tells an invited person where to sign in, sent at once when SMTP_URL is set. Without SMTP (or if the
// send fails) nothing is lost: the invitation is stored either way, and the members page shows the link to pass on.
import "server-only";
import nodemailer from "nodemailer";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";

export type InvitationDelivery = "sent" | "no_smtp" | "failed";

/** The page an invited person opens: signing in with Anaplan makes them a member. */
export const signInLink = () => `${env().NEXTAUTH_URL ?? ""}/signin`;

export async function sendInvitation(to: string, team: string, role: string): Promise<InvitationDelivery> {
  const settings = env();
  if (!settings.SMTP_URL) return "no_smtp";
  const transport = nodemailer.createTransport(settings.SMTP_URL, { connectionTimeout: 10_000, socketTimeout: 10_000 });
  try {
    await transport.sendMail({
      from: settings.SMTP_FROM,
      to,
      subject: `You are invited to “${team}” on the Anaplan Token Portal`,
      text: [
        `You have been added to the team “${team}” as ${role === "admin" ? "an admin" : "a member"}.`,
        "",
        `Sign in with your Anaplan account to join: ${signInLink()}`,
        "",
        "The portal never asks for your password; Anaplan does.",
      ].join("\n"),
    });
    return "sent";
  } catch (error) {
    log.warn("invitation mail failed", { error });
    return "failed";
  } finally {
    transport.close();
  }
}
