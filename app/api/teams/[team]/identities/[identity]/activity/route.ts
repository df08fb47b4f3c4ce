import { activityCsvResponse } from "@/lib/server/csv";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ team: string; identity: string }> }) {
  const { team, identity } = await params;
  return activityCsvResponse(request, team, identity);
}
