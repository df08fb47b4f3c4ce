import { auditCsvResponse } from "@/lib/server/audit-csv";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return auditCsvResponse(request, null);
}
