import { auditCsvResponse } from "@/lib/server/csv";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return auditCsvResponse(request, null);
}
