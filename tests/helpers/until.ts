import { setTimeout as sleep } from "node:timers/promises";

/** Waits for `check` to hold, asking every 10 ms; after `timeoutMs` it fails, naming what it waited for. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
