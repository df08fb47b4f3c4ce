import { z } from "zod";
import { displayName } from "@/lib/platform/names";

export const teamFields = z.strictObject({
  name: displayName(80, "A name is required."),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .max(40, "At most 40 characters.")
    .regex(/^[a-z0-9](-?[a-z0-9])*$/, "Lowercase letters, digits and single hyphens, e.g. finance-etl."),
});

export const memberFields = z.strictObject({
  email: z.email("Enter an email address.").trim().toLowerCase().max(254),
  role: z.enum(["admin", "member"]),
});

export const roleChange = z.strictObject({ userId: z.uuid("Unknown member."), role: z.enum(["admin", "member"]) });
export const memberRef = z.strictObject({ userId: z.uuid("Unknown member.") });
export const inviteRef = z.strictObject({ inviteId: z.uuid("Unknown invite.") });
