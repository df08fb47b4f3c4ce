// Where the gateway meets the server: the process's HTTP server hands `/api/v1/anaplan/…` to the gateway on
// node:http directly, and everything else to Next.js. Next's router and web streams cost about 3 ms of CPU per
// request on the reference machine, more than the gateway's whole budget (README "The gateway").
import "server-only";
import { interceptRequests } from "@/lib/platform/request-context";
import { flushCounts } from "./callers";
import { GATEWAY_PREFIX, handleGateway } from "./handler";
import { flushCalls } from "./record";

/** Starts serving the gateway in this process; the stop writes the record's last rows. */
export function serveGateway(): () => Promise<void> {
  interceptRequests((request, response) => {
    if (!request.url?.startsWith(GATEWAY_PREFIX)) return false;
    void handleGateway(request, response);
    return true;
  });
  return async () => {
    interceptRequests(undefined);
    await Promise.all([flushCalls(), flushCounts()]);
  };
}
