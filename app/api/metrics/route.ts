// Prometheus scrape endpoint. Off unless METRICS_TOKEN is set; then only `Authorization: Bearer <METRICS_TOKEN>`
// gets the exposition, compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/platform/env";
import { metrics } from "@/lib/platform/metrics";

export const dynamic = "force-dynamic";

const digest = (text: string) => createHash("sha256").update(text).digest();
const headers = { "Cache-Control": "no-store" };

export async function GET(request: Request) {
  const token = env().METRICS_TOKEN;
  if (!token) return Response.json({ error: "not_found" }, { status: 404, headers });
  const given = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  if (!timingSafeEqual(digest(given), digest(token))) {
    return Response.json(
      { error: "unauthorized" },
      { status: 401, headers: { ...headers, "WWW-Authenticate": 'Bearer realm="metrics"' } },
    );
  }
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { ...headers, "Content-Type": registry.contentType } });
}
