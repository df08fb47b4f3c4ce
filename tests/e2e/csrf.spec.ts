// Cross-site requests to server actions, with a real session's cookies: a foreign Origin, no Origin at all (with
// and without Fetch Metadata), and a form on a page of another origin in Chromium. Each is refused with a clear 403
// and changes nothing; the same call from the portal's own origin succeeds, so the refusals are the guard's.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { USERS } from "../../simulator/accounts";
import { actionId, callAction, form } from "./support/actions";
import { signInOn } from "./support/sign-in";
import { expect, test } from "./support/test";

const PORTAL = "http://localhost:3100";
const REFUSED = "This request came from another site and was refused.";

test("server actions refuse a foreign Origin and a missing one; the portal's own origin gets through", async ({
  page,
}) => {
  await signInOn(page, USERS.admin);
  const create = (slug: string, options: Parameters<typeof callAction>[4]) =>
    callAction(PORTAL, page.context(), "createTeamAction", [null, form({ name: slug, slug })], options);

  const hostile: [string, Parameters<typeof callAction>[4]][] = [
    ["csrf-foreign", { origin: "https://evil.example" }],
    ["csrf-sibling", { origin: "http://localhost:3999" }],
    ["csrf-null", { origin: "null" }],
    ["csrf-none", { origin: null }],
    ["csrf-cross-site", { origin: null, headers: { "Sec-Fetch-Site": "cross-site" } }],
    ["csrf-same-site", { origin: null, headers: { "Sec-Fetch-Site": "same-site" } }],
  ];
  for (const [slug, options] of hostile) {
    const answer = await create(slug, options);
    expect(answer.status, slug).toBe(403);
    expect(answer.text, slug).toBe(REFUSED);
  }
  // Accepted: a created team opens at once (the action redirects to its dashboard).
  expect((await create("csrf-own", {})).redirect).toContain("/teams/csrf-own/identities");
  expect(
    (await create("csrf-fetch-metadata", { origin: null, headers: { "Sec-Fetch-Site": "same-origin" } })).redirect,
  ).toContain("/teams/csrf-fetch-metadata/identities");

  await page.goto("/teams");
  await expect(page.getByRole("link", { name: "csrf-own" })).toBeVisible();
  for (const [slug] of hostile) await expect(page.getByRole("link", { name: slug })).toHaveCount(0);
});

test("a form on another origin of the same site, posting with the admin's cookies, is refused", async ({ page }) => {
  await signInOn(page, USERS.admin);
  const id = actionId("createTeamAction");
  // Same site as the portal (localhost), another origin (port): SameSite=Lax cookies go along, only the Origin differs.
  const attacker = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html>
      <form id="f" method="POST" action="${PORTAL}/teams" enctype="multipart/form-data">
        <input name="$ACTION_ID_${id}" value=""><input name="name" value="csrf-browser">
        <input name="slug" value="csrf-browser">
      </form>
      <script>
        fetch("${PORTAL}/teams", { method: "POST", mode: "no-cors", credentials: "include", body: "x" })
          .finally(() => document.getElementById("f").submit());
      </script>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  try {
    const port = (attacker.address() as AddressInfo).port;
    const refused = page.waitForResponse((r) => r.url() === `${PORTAL}/teams` && r.request().method() === "POST");
    await page.goto(`http://localhost:${port}/`);
    expect((await refused).status()).toBe(403);
    await expect(page.getByText(REFUSED)).toBeVisible();
    await page.goto(`${PORTAL}/teams`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: "csrf-browser" })).toHaveCount(0);
  } finally {
    attacker.close();
  }
});
