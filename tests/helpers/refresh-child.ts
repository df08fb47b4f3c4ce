// A separate portal process that refreshes one grant, for the crash test to kill with SIGKILL. It starts warm and
// waits for its orders on stdin ("<grantId> <pause>"), so spawning is not on the clock. With pause "1" it reports
// "calling" just before the call to Anaplan and holds there (that window is otherwise too short to hit); it reports
// "written" once the refreshed tokens are stored, then idles until killed.
import { setTimeout as sleep } from "node:timers/promises";
import { getAccessToken } from "@/lib/grants/access-token";
import { grantClientOf } from "@/lib/identities/grant-client";
import { db } from "@/lib/platform/db";

const say = (line: string) => process.stdout.write(`${line}\n`);
const order = await new Promise<string>((resolve) => {
  let input = "";
  process.stdin.on("data", (chunk: Buffer) => {
    input += chunk.toString();
    if (input.includes("\n")) resolve(input.trim());
  });
  say("ready");
});
const [grantId = "", pause] = order.split(" ");
const fetchOriginal = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  if (pause === "1" && String(input).endsWith("/oauth/token")) {
    say("calling");
    await sleep(60_000);
  }
  return fetchOriginal(input, init);
};
const identity = await db().serviceIdentity.findFirstOrThrow({ where: { grantId } });
await getAccessToken(grantId, grantClientOf(identity), { forceRefresh: true });
say("written");
await sleep(60_000);
