import { z } from "zod";
import { type CallOptions, request } from "./http";
import { anaplanId, displayText, email } from "./schema";
import { type AnaplanEndpoints, endpoint } from "./urls";

export type AnaplanUser = {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  customerId: string | null;
  active: boolean;
  lastLoginDate: Date | null;
};

// Only what the portal cannot do without is required (id, email). The rest is informational: missing or unusable
// values fall back (no name, unknown customer, active) instead of failing a sign-in; unknown fields are ignored.
const optional = <S extends z.ZodType>(s: S) => s.nullish().catch(undefined);
const userResponse = z.object({
  user: z.object({
    id: anaplanId,
    email,
    firstName: optional(displayText),
    lastName: optional(displayText),
    customerId: optional(anaplanId),
    active: optional(z.boolean()),
    lastLoginDate: optional(z.string().max(64)),
  }),
});

/** `GET {apiUrl}/2/0/users/me`: who the access token belongs to. */
export async function getCurrentUser(
  ep: Pick<AnaplanEndpoints, "apiUrl">,
  accessToken: string,
  options?: CallOptions,
): Promise<AnaplanUser> {
  const { body } = await request(
    { method: "GET", url: endpoint(ep.apiUrl, "/2/0/users/me"), accessToken, ...options },
    userResponse,
  );
  const { user } = body;
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName ?? "",
    lastName: user.lastName ?? "",
    customerId: user.customerId ?? null,
    active: user.active ?? true,
    lastLoginDate: parseLoginDate(user.lastLoginDate),
  };
}

// Anaplan writes `2017-09-07T08:05:37.000+0000` (no colon in the offset), which Date.parse is not required to
// read. The field is informational, so an unreadable value becomes null instead of failing the sign-in.
const LOGIN_DATE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)(Z|[+-]\d{2}:?\d{2})$/;

function parseLoginDate(value: string | null | undefined): Date | null {
  const match = value ? LOGIN_DATE.exec(value) : null;
  if (!match) return null;
  const [, time, zone = ""] = match;
  const date = new Date(`${time}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
  return Number.isNaN(date.getTime()) ? null : date;
}
