// The CSV downloads (the audit trail, an identity's gateway activity): check the session, parse the filters from
// the query, stream the file as it is read, or answer the failure.
import "server-only";
import type { z } from "zod";
import { activityFilters, streamActivityCsv } from "@/lib/gateway/activity";
import { requestContextOf } from "@/lib/platform/request-context";
import { parseInput } from "@/lib/platform/validation";
import { requireUserForAction } from "@/lib/server/auth/dal";
import { errorResponse } from "@/lib/server/http";
import { type Actor, actorOf } from "@/lib/teams/access";
import { auditFilters, streamAuditCsv } from "../audit-trail/read";

async function csvDownload<S extends z.ZodType>(
  request: Request,
  schema: S,
  name: string,
  read: (actor: Actor, filters: z.infer<S>) => Promise<ReadableStream<Uint8Array>>,
): Promise<Response> {
  try {
    const session = await requireUserForAction();
    const filters = parseInput(schema, Object.fromEntries(new URL(request.url).searchParams));
    const stream = await read(actorOf(session, requestContextOf(request.headers)), filters);
    return new Response(stream, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.csv"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}

export const auditCsvResponse = (request: Request, teamSlug: string | null) =>
  csvDownload(request, auditFilters, `audit-${teamSlug ?? "portal"}`, (actor, filters) =>
    streamAuditCsv(actor, teamSlug, filters),
  );

export const activityCsvResponse = (request: Request, teamSlug: string, identityId: string) =>
  csvDownload(
    request,
    activityFilters,
    `gateway-${teamSlug}`,
    async (actor, filters) => (await streamActivityCsv(actor, teamSlug, identityId, filters)).stream,
  );
