// The scripts' API as the portal serves it, for a test file: the process's HTTP server stamps peers and hands
// `/api/v1/anaplan/…` (and the broker and auth service) over before "Next" (here a 404), on a loopback port.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after } from "node:test";
import { stampPeerAddresses } from "@/lib/platform/request-context";
import { serveScriptsApi } from "@/lib/server/scripts-api";

/** The gateway's base URL (`http://127.0.0.1:<port>/api/v1/anaplan`). */
export async function startGateway(): Promise<string> {
  stampPeerAddresses();
  const stopGateway = serveScriptsApi();
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  after(async () => {
    await stopGateway();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/anaplan`;
}
