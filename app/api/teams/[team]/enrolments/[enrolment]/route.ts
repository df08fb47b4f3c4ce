import { getEnrolmentView } from "@/lib/enrolments/view";
import { AppError } from "@/lib/platform/errors";
import { takeFromWindow } from "@/lib/platform/rate-limit";
import { requireUserForAction } from "@/lib/server/auth/dal";
import { errorResponse, NO_STORE } from "@/lib/server/http";
import { actorOf } from "@/lib/teams/access";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ team: string; enrolment: string }> };

/** The page asks every 2 s (30 a minute); four times that per session is room for a few open tabs, not a flood. */
const STATUS_READS_PER_MINUTE = 120;

export async function GET(_request: Request, { params }: Context) {
  try {
    const { team, enrolment } = await params;
    const session = await requireUserForAction();
    const rate = await takeFromWindow(`status:${session.id}`, STATUS_READS_PER_MINUTE);
    if (!rate.allowed) {
      throw new AppError("rate_limited", "Too many status checks.", { retryAfterSeconds: rate.retryAfterSeconds });
    }
    return Response.json(await getEnrolmentView(actorOf(session), team, enrolment), { headers: NO_STORE });
  } catch (error) {
    return errorResponse(error);
  }
}
