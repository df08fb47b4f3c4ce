import { openApiDocument } from "@/lib/broker/openapi";
import { env } from "@/lib/platform/env";

export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(openApiDocument(env().NEXTAUTH_URL ?? "http://localhost:3000"));
}
