// The auth service's routes share the public API's call (request id, credentials in the URL refused, failures in
// the broker's vocabulary and metrics), answered in Anaplan's shapes: a success with Anaplan's status, a failure as
// `{ status: "FAILURE_…", statusMessage }`, which Anaplan Connect prints when it gives up.
import "server-only";
import { publicCall } from "@/lib/broker/api";
import { BrokerError } from "@/lib/broker/errors";
import { type Failure, NO_STORE } from "@/lib/platform/failure";
import type { RequestContext } from "@/lib/platform/request-context";

/** No call of the service has a body worth reading; a large one is refused by its declared size, unread. */
const MAX_BODY_BYTES = 4096;

const anaplanFailure = (f: Failure) => ({
  status: f.code === "invalid_key" ? "FAILURE_BAD_CREDENTIAL" : `FAILURE_${f.code.toUpperCase()}`,
  statusMessage: f.message,
});

export function anaplanAuthCall(
  request: Request,
  run: (context: RequestContext) => Promise<{ status: number; body?: unknown }>,
): Promise<Response> {
  return publicCall(
    request,
    async (context) => {
      if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES)
        throw new BrokerError("request_too_large", `The request body is over ${MAX_BODY_BYTES} bytes; send none.`);
      const { status, body } = await run(context);
      return body === undefined
        ? new Response(null, { status, headers: NO_STORE })
        : Response.json(body, { status, headers: NO_STORE });
    },
    anaplanFailure,
  );
}
