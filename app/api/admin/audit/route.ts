import { auditCsvResponse } from "@/lib/audit/csv-response";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return auditCsvResponse(request, null);
}
