// One id per request (a server action or a broker call), carried through async work so every log line of that
// request names it. A caller's X-Request-Id is kept when it looks like an id; otherwise a new one is made.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

const store = new AsyncLocalStorage<string>();

export const currentRequestId = () => store.getStore();

export function withRequestId<T>(headers: Pick<Headers, "get">, work: (id: string) => Promise<T>): Promise<T> {
  const given = headers.get("x-request-id");
  const id = given && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
  return store.run(id, () => work(id));
}
