import { db } from "@/lib/db";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

const headers = { "Cache-Control": "no-store" };

export async function GET() {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db().$queryRaw`SELECT 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out after 3 s")), 3000);
      }),
    ]);
    return Response.json({ status: "ok", db: "ok" }, { headers });
  } catch (error) {
    log.warn("health check: database unreachable", { error });
    return Response.json(
      { status: "error", db: "unreachable", reason: "the database did not answer" },
      { status: 503, headers },
    );
  } finally {
    clearTimeout(timer);
  }
}
