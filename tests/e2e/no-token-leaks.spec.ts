// A full sign-in, a token refresh and an enrolment on a portal of this test's own, then a search of everything an
// attacker or a careless operator could see — database rows, cookies, page HTML (with the RSC payload),
// /api/auth/session and the server's logs — for every token the simulator issued, and for a certificate identity's
// imported private key (refused once, then imported, tested and revoked). None may appear.
import type { KeyObject } from "node:crypto";
import path from "node:path";
import type { Page } from "@playwright/test";
import { USERS } from "../../simulator/accounts";
import { simulatorOperator } from "../../simulator/operator-client";
import { dumpDatabase, leakedForms } from "../helpers/dump";
import { importedCertificateIdentity } from "./support/flows";
import { startDatabase, startPortal, waitUntilHealthy } from "./support/portal";
import { signInOn } from "./support/sign-in";
import { expect, test } from "./support/test";

const PORT = 3104;
const SIMULATOR_PORT = 3183;

/** Pieces of a private key in the forms it could leak in: its PEM lines, its DER in base64 and in hex. */
const keyForms = (key: KeyObject) => {
  const der = key.export({ type: "pkcs8", format: "der" });
  return [
    der.toString("base64").slice(64, 128),
    der.toString("hex").slice(128, 256),
    der.subarray(40, 80).toString("latin1"),
  ];
};

/** A certificate identity whose key is imported (so the test knows it), refused once, tested and revoked. */
async function certificateIdentity(page: Page, simulator: ReturnType<typeof simulatorOperator>) {
  const privateKey = await importedCertificateIdentity(
    page,
    simulator,
    "leak-check",
    "sentinel-certificate",
    USERS.sso.email,
  );
  // A refused import: the key must not come back in the failed form's state.
  const keyBox = page.getByLabel("Its private key (PKCS#8 PEM)", { exact: true });
  if (!(await keyBox.isVisible())) await page.getByText("Import a key and certificate made elsewhere").click();
  await keyBox.fill(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
  await page.getByLabel("Passphrase (if the key has one)").fill("not-needed-but-sent");
  await page.getByLabel("Certificate (PEM)", { exact: true }).fill("not a certificate");
  await page.getByRole("button", { name: "Import key and certificate" }).click();
  await expect(page.locator("#import-certificate-error")).toContainText("not a PEM certificate");
  await expect(keyBox).toHaveValue("");
  await page.getByRole("button", { name: "Test" }).click();
  await expect(page.getByText(`(${USERS.sso.email})`)).toBeVisible();
  await page.getByRole("button", { name: "Revoke tokens…" }).click();
  await page.getByRole("button", { name: "Revoke tokens for good" }).click();
  await expect(page.getByText("Its token and private key were destroyed")).toBeVisible();
  return privateKey;
}

test("no token value reaches the database, cookies, HTML or logs", async ({ browser }) => {
  test.setTimeout(120_000);
  const database = await startDatabase();
  const portal = startPortal({
    port: PORT,
    databaseUrl: database.url,
    dataDir: path.join(database.dir, "data"),
    env: { SIMULATOR_PORT: String(SIMULATOR_PORT), LOG_LEVEL: "debug", ADMIN_EMAILS: USERS.admin.email },
  });
  try {
    await waitUntilHealthy(portal.baseURL);
    const simulator = simulatorOperator(`http://127.0.0.1:${SIMULATOR_PORT}`);
    await simulator.setDefaults({ deviceInterval: 1 });
    const context = await browser.newContext({ baseURL: portal.baseURL });
    const page = await context.newPage();
    const seen: string[] = [];
    page.on("response", async (response) => {
      if (response.url().startsWith(portal.baseURL)) seen.push(await response.text().catch(() => ""));
    });

    await signInOn(page, USERS.admin);
    await page.goto("/profile");
    await page.getByRole("button", { name: "Refresh now" }).click();
    await expect(page.getByRole("main").getByRole("status")).toContainText("Refreshed");
    await page.goto("/teams");
    await page.getByLabel("Team name").fill("Leak Check");
    await page.getByLabel("Slug (used in links)").fill("leak-check");
    await page.getByRole("button", { name: "Create team" }).click();
    await expect(page).toHaveURL(/\/teams\/leak-check\/identities$/);
    await page.goto("/teams/leak-check/identities/new");
    await page.getByLabel("Name").fill("sentinel-identity");
    await page.getByRole("button", { name: "Create identity" }).click();
    await page.getByRole("button", { name: "Enrol" }).click();
    const code = (await page.getByLabel("User code").textContent())?.trim() ?? "";
    await simulator.approve(code, "service");
    await expect(page.getByRole("heading", { name: "Enrolled: the identity is active" })).toBeVisible({
      timeout: 20_000,
    });
    seen.push(await page.content());
    const privateKey = await certificateIdentity(page, simulator);
    seen.push(await page.content());
    seen.push(await (await page.request.get("/api/auth/session")).text());

    const cookies = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("\n");
    const dump = await dumpDatabase(database.url);
    const issued = await simulator.issuedTokens();
    await context.close();
    await portal.stop();
    const logs = portal.output();

    // The places searched hold real content, so an empty search cannot pass by accident.
    expect(dump).toContain(USERS.admin.email);
    expect(dump).toContain("sentinel-identity");
    expect(seen.join("\n")).toContain("sentinel-identity");
    expect(cookies).toContain("next-auth.session-token");
    expect(logs).toContain("Anaplan simulator started");
    expect(issued.length).toBeGreaterThanOrEqual(6);
    const places = { database: dump, cookies, "pages and responses": seen.join("\n"), logs };
    for (const [place, text] of Object.entries(places)) {
      for (const form of keyForms(privateKey)) {
        expect(text.includes(form), `the imported private key appears in the ${place}`).toBe(false);
      }
    }
    for (const token of issued) {
      const forms = leakedForms(token);
      for (const [place, text] of Object.entries(places)) {
        for (const form of forms) expect(text.includes(form), `a token value appears in the ${place}`).toBe(false);
      }
    }
  } finally {
    await portal.stop();
    await database.stop();
  }
});
