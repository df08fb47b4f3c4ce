// Route handlers answer every failure through the one failure path (lib/platform/failure.ts).
import "server-only";
import { failureOf, failureResponse } from "@/lib/platform/failure";

export { NO_STORE } from "@/lib/platform/failure";

export const errorResponse = (failure: unknown): Response => failureResponse(failureOf(failure, "route handler"));
