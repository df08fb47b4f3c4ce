import { auditCsvResponse } from "@/lib/server/csv";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ team: string }> }) {
  return auditCsvResponse(request, (await params).team);
}
