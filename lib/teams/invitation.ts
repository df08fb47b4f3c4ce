// The mail that tells an invited person where to sign in, sent at once when SMTP_URL is set. Without SMTP (or if the
// send fails) nothing is lost: the invitation is stored either way, and the members page shows the link to pass on.
import "server-only";
import { portalUrl } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { sendMails } from "@/lib/platform/mail";

export type InvitationDelivery = "sent" | "no_smtp" | "failed";

/** The page an invited person opens: signing in with Anaplan makes them a member. */
export const signInLink = () => `${portalUrl()}/signin`;

export async function sendInvitation(to: string, team: string, role: string): Promise<InvitationDelivery> {
  const results = await sendMails([
    {
      to,
      subject: `You are invited to “${team}” on the Anaplan Token Portal`,
      text: [
        `You have been added to the team “${team}” as ${role === "admin" ? "an admin" : "a member"}.`,
        "",
        `Sign in with your Anaplan account to join: ${signInLink()}`,
        "",
        "The portal never asks for your password; Anaplan does.",
      ].join("\n"),
    },
  ]);
  if (results === null) return "no_smtp";
  if (results[0] === null) return "sent";
  log.warn("invitation mail failed", { error: results[0] });
  return "failed";
}
