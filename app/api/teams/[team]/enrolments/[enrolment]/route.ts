import { requireUserForAction } from "@/lib/auth/dal";
import { errorResponse, NO_STORE } from "@/lib/http";
import { getEnrolmentView } from "@/lib/identities/enrol-view";
import { actorOf } from "@/lib/teams/access";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ team: string; enrolment: string }> };

export async function GET(_request: Request, { params }: Context) {
  try {
    const { team, enrolment } = await params;
    const session = await requireUserForAction();
    return Response.json(await getEnrolmentView(actorOf(session), team, enrolment), { headers: NO_STORE });
  } catch (error) {
    return errorResponse(error);
  }
}
