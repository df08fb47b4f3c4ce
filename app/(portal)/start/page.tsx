import { redirect } from "next/navigation";
import { requireUser } from "@/lib/server/auth/dal";
import { actorOf } from "@/lib/teams/access";
import { landingPath } from "@/lib/teams/manage";

// Where sign-in lands: the only team's dashboard, or the list of teams.
export default async function StartPage() {
  redirect(await landingPath(actorOf(await requireUser())));
}
