// Calls a server action the way an attacker would: straight at the endpoint with its id from the build's manifest,
// arguments of their choosing, no UI involved.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { BrowserContext } from "@playwright/test";

const require = createRequire(import.meta.url);
const { encodeReply } = require("next/dist/compiled/react-server-dom-turbopack/client.node") as {
  encodeReply: (args: unknown[]) => Promise<string | FormData>;
};

type Manifest = { node: Record<string, { exportedName: string }> };

const manifest = () => JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as Manifest;

/** Every server action in the build, by exported name. */
export const allActionNames = () => [...new Set(Object.values(manifest().node).map((v) => v.exportedName))].sort();

export function actionId(name: string): string {
  const entry = Object.entries(manifest().node).find(([, v]) => v.exportedName === name);
  if (!entry) throw new Error(`no server action named ${name} in the build`);
  return entry[0];
}

export const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

/**
 * Returns the raw RSC answer and the redirect the action asked for, if any. Without a browser context the call
 * carries a forged session cookie, which gets it past proxy.ts (a cookie is present) to the action's own check.
 * `origin`: the Origin header sent (the portal's own by default; null sends none).
 */
export async function callAction(
  baseURL: string,
  context: BrowserContext | null,
  name: string,
  args: unknown[],
  options: { origin?: string | null; headers?: Record<string, string> } = {},
) {
  const cookie = context
    ? (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ")
    : "next-auth.session-token=forged";
  const body = await encodeReply(args);
  const response = await fetch(`${baseURL}/teams`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "Next-Action": actionId(name),
      Accept: "text/x-component",
      ...(options.origin === null ? {} : { Origin: options.origin ?? baseURL }),
      ...options.headers,
      cookie,
      ...(typeof body === "string" ? { "Content-Type": "text/plain;charset=UTF-8" } : {}),
    },
    body,
  });
  return {
    status: response.status,
    text: await response.text(),
    redirect: response.headers.get("x-action-redirect"),
    contentType: response.headers.get("content-type") ?? "",
  };
}
