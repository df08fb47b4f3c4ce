// The CSV export route handlers share: check the session, parse the filters from the query, stream the file.
import "server-only";
import { requireUserForAction } from "@/lib/auth/dal";
import { errorResponse } from "@/lib/http";
import { requestContextOf } from "@/lib/request-context";
import { actorOf } from "@/lib/teams/access";
import { parseInput } from "@/lib/validation";
import { auditFilters, streamAuditCsv } from "./read";

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
