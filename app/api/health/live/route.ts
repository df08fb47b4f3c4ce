// GET /api/health/live: the process answers (no database call). A load balancer's liveness probe, and the bare
// route the broker benchmark measures itself against.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
}
