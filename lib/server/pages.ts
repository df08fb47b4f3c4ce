// Pages turn "not found" (including "not in your team") into Next's 404 page, and "forbidden" (a member of the team,
// or a signed-in user, on a page for its admins) into the 403 page that says so. Both are decided before anything
// streams: no loading boundary sits above a signed-in page, so the status is the real one.
import "server-only";
import { forbidden, notFound } from "next/navigation";
import { isAppError } from "@/lib/platform/errors";

export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") notFound();
    if (isAppError(error) && error.code === "forbidden") forbidden();
    throw error;
  }
}
