// The CSV export route handlers share: check the session, parse the filters from the query, stream the file.
import "server-only";
import { requestContextOf } from "@/lib/platform/request-context";
import { parseInput } from "@/lib/platform/validation";
import { requireUserForAction } from "@/lib/server/auth/dal";
import { errorResponse } from "@/lib/server/http";
import { actorOf } from "@/lib/teams/access";
import { auditFilters, streamAuditCsv } from "../audit-trail/read";

export async function auditCsvResponse(request: Request, teamSlug: string | null): Promise<Response> {
  try {
    const session = await requireUserForAction();
    const filters = parseInput(auditFilters, Object.fromEntries(new URL(request.url).searchParams));
    const stream = await streamAuditCsv(actorOf(session, requestContextOf(request.headers)), teamSlug, filters);
    const name = `audit-${teamSlug ?? "portal"}-${new Date().toISOString().slice(0, 10)}.csv`;
    return new Response(stream, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
