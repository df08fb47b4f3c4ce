// A certificate identity in Chromium against the simulator: the portal makes the key, the admin downloads its CSR,
// the simulator's CA signs it on its own page, the certificate is uploaded and tested, and a script's key gets the
// token from the broker and the Anaplan-compatible auth service and uses it at the API host. Then the same with an
// imported key, and a malformed upload refused with a sentence.
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "@playwright/test";
import { USERS } from "../../simulator/accounts";
import { simulatorOperator } from "../../simulator/operator-client";
import { externalKeyPair } from "../helpers/certificates";
import { adminWithTeam, createApiKeyHere } from "./support/flows";
import { signInOn } from "./support/sign-in";
import { expect, test } from "./support/test";

const SIMULATOR = "http://127.0.0.1:3199";
const API_HOST = "http://127.0.0.1:3200";
const simulator = simulatorOperator(SIMULATOR);
test.describe.configure({ mode: "serial" });
test.setTimeout(90_000);

async function createCertificateIdentity(page: Page, name: string, email: string) {
  await page.goto("/teams/cert-team/identities/new");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("radio", { name: /CA certificate/ }).check();
  await page.getByLabel("Service account (email)").fill(email);
  await page.getByRole("button", { name: "Create identity" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(page.getByRole("heading", { name: "Certificate", exact: true })).toBeVisible();
}

/** The demo's CA: the simulator's own page signs the pasted CSR. */
async function signAtSimulator(browser: Browser, csr: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${SIMULATOR}/certificates`);
  await page.getByLabel("Certificate signing request (PEM)").fill(csr);
  await page.getByRole("button", { name: "Sign with the test CA" }).click();
  const certificate = await page.getByLabel("Certificate (PEM)").inputValue();
  await context.close();
  expect(certificate).toContain("BEGIN CERTIFICATE");
  return certificate;
}

async function tokenWorks(page: Page, key: string, email: string) {
  const broker = await page.request.post("/api/v1/token", { headers: { authorization: `Bearer ${key}` } });
  expect(broker.status()).toBe(200);
  const token = (await broker.json()).access_token as string;
  const me = await page.request.get(`${API_HOST}/2/0/users/me`, {
    headers: { authorization: `AnaplanAuthToken ${token}` },
  });
  expect((await me.json()).user.email).toBe(email);
  const connect = await page.request.post("/anaplan-auth/token/authenticate", {
    headers: {
      authorization: `Basic ${Buffer.from(`batch:${key}`).toString("base64")}`,
      "content-type": "application/json",
    },
  });
  expect(connect.status()).toBe(201);
  expect((await connect.json()).tokenInfo.tokenValue).toBe(token);
}

test("an SSO account: make the key, download the CSR, have the CA sign it, upload, test, and serve scripts", async ({
  page,
  browser,
}) => {
  await adminWithTeam(page, { name: "Cert Team", slug: "cert-team" });
  await createCertificateIdentity(page, "sso-certificate", USERS.sso.email);
  await page.getByRole("button", { name: "Make a key and CSR" }).click();
  await expect(page.getByText("Waiting for its certificate.")).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSR" }).click();
  const csr = await readFile((await (await download).path()) ?? "", "utf8");
  expect(csr).toContain("BEGIN CERTIFICATE REQUEST");
  expect(csr).toBe(await page.getByLabel("Certificate signing request (PEM)").inputValue());

  const upload = page.getByLabel("Signed certificate (PEM)", { exact: true });
  await upload.fill("hello");
  await page.getByRole("button", { name: "Upload certificate" }).click();
  await expect(page.locator("#upload-certificate-error"), "the sentence, under the field").toContainText(
    "This is not a PEM certificate",
  );

  await upload.fill(await signAtSimulator(browser, csr));
  await page.getByRole("button", { name: "Upload certificate" }).click();
  await expect(page.getByLabel("Certificate in use")).toContainText(USERS.sso.email);
  await expect(page.getByLabel("Certificate in use")).toContainText("Anaplan Simulator Test CA");
  await page.getByRole("button", { name: "Test" }).click();
  await expect(page.getByText(`the token belongs to Sam Single-Sign-On (${USERS.sso.email})`)).toBeVisible();
  await expect(page.getByText("active", { exact: true }).first()).toBeVisible();
  await tokenWorks(page, await createApiKeyHere(page, "etl host"), USERS.sso.email);
});

test("an imported key and certificate work the same, and revoking destroys the key", async ({ page }) => {
  await signInOn(page, USERS.admin);
  await createCertificateIdentity(page, "imported-certificate", USERS.service.email);
  const { privateKey, certificate } = await externalKeyPair(simulator, USERS.service.email);
  await page.getByText("Import a key and certificate made elsewhere").click();
  await page.getByLabel("Certificate (PEM)", { exact: true }).fill(certificate);
  await page
    .getByLabel("Its private key (PKCS#8 PEM)", { exact: true })
    .fill(privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "s3cret" }).toString());
  await page.getByLabel("Passphrase (if the key has one)").fill("s3cret");
  await page.getByRole("button", { name: "Import key and certificate" }).click();
  await expect(page.getByLabel("Certificate in use")).toContainText("Imported, sealed in the vault");
  await page.getByRole("button", { name: "Test" }).click();
  await expect(page.getByText(`(${USERS.service.email})`)).toBeVisible();
  const key = await createApiKeyHere(page, "import host");
  await tokenWorks(page, key, USERS.service.email);

  await page.getByRole("button", { name: "Revoke tokens…" }).click();
  await page.getByRole("button", { name: "Revoke tokens for good" }).click();
  await expect(page.getByText("Its token and private key were destroyed")).toBeVisible();
  await expect(page.getByLabel("Certificate in use")).toHaveCount(0);
  const refused = await page.request.post("/api/v1/token", { headers: { authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
});
