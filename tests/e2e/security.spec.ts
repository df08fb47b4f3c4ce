// The login callback and the redirect after it, attacked: altered or replayed state, a code from another
// browser's sign-in or another application, a hostile callbackUrl. Each must end signed out, on the portal. And the
// files beside the pages take no forged action POSTs.
import type { BrowserContext, Page } from "@playwright/test";
import { CLIENT_IDS, USERS } from "../../simulator/accounts";
import { SIGNED_IN, signInOn, signInWithSimulator } from "./support/sign-in";
import { expect, test } from "./support/test";

const PORTAL = "http://localhost:3100";
const CALLBACK = `${PORTAL}/api/auth/callback/anaplan`;

/** Starts the sign-in in the browser, then walks the simulator's redirects by hand and returns the callback URL. */
async function callbackUrlFor(page: Page, user = USERS.member): Promise<URL> {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Anaplan" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Anaplan" })).toBeVisible();
  let response = await page.request.post(page.url(), {
    form: { email: user.email, password: user.password, action: "login" },
    maxRedirects: 0,
  });
  for (let hops = 0; hops < 10; hops++) {
    const location = response.headers().location;
    if (!location) break;
    const next = new URL(location, response.url());
    if (next.href.startsWith(CALLBACK)) return next;
    response = await page.request.get(next.href, { maxRedirects: 0 });
  }
  throw new Error(`no callback reached (last status ${response.status()})`);
}

const hasSession = async (context: BrowserContext) =>
  (await context.cookies()).some((c) => c.name.includes("session-token"));

async function expectRefused(page: Page, context: BrowserContext, url: string) {
  await page.goto(url);
  await expect(page).toHaveURL(/\/signin\?.*error=/);
  await expect(page.getByRole("main").getByRole("alert")).toBeVisible();
  expect(await hasSession(context)).toBe(false);
}

test("a callback whose state was altered is refused", async ({ page, context }) => {
  const callback = await callbackUrlFor(page);
  callback.searchParams.set("state", `${callback.searchParams.get("state")}x`);
  await expectRefused(page, context, callback.href);
});

test("a callback replayed in another browser is refused", async ({ page, browser }) => {
  const callback = await callbackUrlFor(page);
  const other = await browser.newContext();
  await expectRefused(await other.newPage(), other, callback.href);
  await other.close();
});

test("a code from another browser's sign-in is refused; the genuine callback still works", async ({
  page,
  context,
  browser,
}) => {
  const victim = await callbackUrlFor(page, USERS.member);
  const other = await browser.newContext({ baseURL: PORTAL });
  const attacker = await callbackUrlFor(await other.newPage(), USERS.admin);
  await other.close();
  const injected = new URL(victim.href);
  injected.searchParams.set("code", attacker.searchParams.get("code") ?? "");
  await expectRefused(page, context, injected.href);
  await page.goto(victim.href);
  await expect(page).toHaveURL(SIGNED_IN);
  expect(await hasSession(context)).toBe(true);
});

test("a code issued to another application is refused", async ({ page, context }) => {
  const callback = await callbackUrlFor(page);
  const state = callback.searchParams.get("state") ?? "";
  const authorize = new URL("http://127.0.0.1:3199/auth/authorize");
  for (const [k, v] of Object.entries({
    client_id: CLIENT_IDS.otherApp,
    response_type: "code",
    redirect_uri: CALLBACK,
    scope: "openid email",
    state,
  })) {
    authorize.searchParams.set(k, v);
  }
  let response = await page.request.get(authorize.href, { maxRedirects: 0 });
  for (let hops = 0; hops < 10 && !response.headers().location?.startsWith(CALLBACK); hops++) {
    response = await page.request.get(new URL(response.headers().location ?? "", response.url()).href, {
      maxRedirects: 0,
    });
  }
  const foreign = response.headers().location ?? "";
  expect(foreign).toContain("code=");
  await expectRefused(page, context, foreign);
});

// Every redirect target a hostile link could carry: other origins, protocol-relative and backslash tricks,
// credentials, encoded slashes, control characters, and script or data URLs.
const VECTORS = [
  "https://evil.example/",
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/%2F%2Fevil.example",
  "%2F%2Fevil.example",
  "\t//evil.example",
  "http:evil.example",
  "https:/evil.example",
  "https://localhost:3100@evil.example",
  "https://localhost:3100.evil.example/",
  "javascript:alert(document.domain)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
];

const onPortal = (url: string) => {
  const target = new URL(url, PORTAL);
  return target.origin === PORTAL && (target.protocol === "http:" || target.protocol === "https:");
};

test("a hostile callbackUrl still lands on the portal after sign-in", async ({ page }) => {
  // The whole sign-in for a few; the next test checks every vector at each redirect without signing in again.
  for (const target of [...VECTORS.slice(0, 3), "javascript:alert(document.domain)"]) {
    await page.context().clearCookies();
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(target)}`);
    await signInWithSimulator(page, USERS.member);
    await page.waitForURL((url) => url.pathname !== "/signin" && !url.href.includes("127.0.0.1:3199"));
    expect(new URL(page.url()).origin, target).toBe(PORTAL);
  }
});

test("no redirect parameter or header sends anyone off the portal", async ({ page }) => {
  await signInOn(page, USERS.member);
  for (const target of VECTORS) {
    // Signed in, the sign-in page forwards to callbackUrl at once.
    const signedIn = await page.request.get(`/signin?callbackUrl=${encodeURIComponent(target)}`, { maxRedirects: 0 });
    expect(onPortal(signedIn.headers().location ?? ""), `/signin ${target}`).toBe(true);
    // next-auth's own parameter, on a sign-in started through its API.
    const csrf = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const started = await page.request.post("/api/auth/signin/anaplan", {
      form: { csrfToken: csrf.csrfToken, callbackUrl: target, json: "true" },
      maxRedirects: 0,
    });
    const cookie = (await page.context().cookies()).find((c) => c.name.endsWith("next-auth.callback-url"));
    expect(started.status(), `signin ${target}`).toBeLessThan(500);
    expect(onPortal(decodeURIComponent(cookie?.value ?? PORTAL)), `callback-url cookie ${target}`).toBe(true);
    // The host redirect's route, asked directly with a forged header.
    const moved = await page.request.get("/api/moved", { headers: { "x-portal-moved-to": target }, maxRedirects: 0 });
    expect(onPortal(moved.headers().location ?? ""), `/api/moved ${target}`).toBe(true);
  }
});

test("files (built assets, the icon, robots.txt) take GET and HEAD only: a forged action POST gets 405, never a 500", async ({
  request,
}) => {
  for (const path of ["/favicon.ico", "/icon.svg", "/robots.txt", "/_next/static/chunks/none.js", "/_next/image"]) {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const answer = await request.fetch(path, {
        method,
        headers: { "Next-Action": "0".repeat(42), Origin: PORTAL, "Content-Type": "text/plain;charset=UTF-8" },
        data: "[]",
      });
      expect(answer.status(), `${method} ${path}`).toBe(405);
      expect(answer.headers().allow).toBe("GET, HEAD");
    }
    expect((await request.get(path)).status(), `GET ${path}`).toBeLessThan(500);
  }
  expect((await request.get("/icon.svg")).status()).toBe(200);
});
