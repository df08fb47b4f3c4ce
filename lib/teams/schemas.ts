import { z } from "zod";

const printable = (s: string) => !/[\p{Cc}\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u.test(s);

export const teamFields = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, "A name is required.")
    .max(80, "At most 80 characters.")
    .refine(printable, "Use printable characters only."),
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

export const memberRef = z.strictObject({ userId: z.uuid("Unknown member.") });
export const inviteRef = z.strictObject({ inviteId: z.uuid("Unknown invite.") });
