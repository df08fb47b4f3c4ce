import { openApiDocument } from "@/lib/broker/openapi";
import { portalUrl } from "@/lib/platform/env";

export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(openApiDocument(portalUrl()));
}
