// Keyless access in Chromium: an admin trusts a GitHub Actions workflow on an identity (with the JWKS pasted, as
// for an issuer the portal cannot reach), a weak policy is refused with a sentence, the page's GitHub Actions step
// runs as shown against a stand-in for the Actions token service minting a GitHub-shaped token, and the audit
// page says which job took the token.
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { simulatorOperator } from "../../simulator/operator-client";
import { adminWithTeam, enrolNewIdentity } from "./support/flows";
import { snippet } from "./support/snippets";
import { expect, test } from "./support/test";

const run = promisify(execFile);
const simulator = simulatorOperator("http://127.0.0.1:3199");
const GITHUB = "https://token.actions.githubusercontent.com";

/** What GitHub's ACTIONS_ID_TOKEN_REQUEST_URL answers: a job token for the audience asked, signed by `key`. */
async function actionsTokenService(privateKey: CryptoKey) {
  const server = http.createServer(async (req, res) => {
    const audience = new URL(req.url ?? "/", "http://x").searchParams.get("audience") ?? "";
    if (req.headers.authorization !== "bearer request-token") return void res.writeHead(401).end();
    const value = await new SignJWT({
      sub: "repo:acme/etl:ref:refs/heads/main",
      repository: "acme/etl",
      ref: "refs/heads/main",
      workflow_ref: "acme/etl/.github/workflows/nightly.yml@refs/heads/main",
      run_id: "4242424242",
      actor: "octocat",
    })
      .setProtectedHeader({ alg: "RS256", kid: "gh-1" })
      .setIssuer(GITHUB)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ count: 1, value }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?api-version=2.0`, server };
}

test("an admin trusts a GitHub workflow; its step, as shown, gets a token with no stored secret; the audit names the job", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "gh-1", alg: "RS256", use: "sig" }] });
  await simulator.setDefaults({ deviceInterval: 1 });
  await adminWithTeam(page, { name: "Keyless", slug: "keyless" });
  await enrolNewIdentity(page, simulator, "keyless", "nightly");
  await page.goto("/teams/keyless/identities");
  await page.getByRole("link", { name: "nightly", exact: true }).first().click();

  const section = page.getByRole("region", { name: "Trusted workloads (keyless)" });
  await expect(section.getByText("No workload is trusted yet.")).toBeVisible();
  await section.getByLabel("Name", { exact: true }).fill("acme etl on main");
  await expect(section.getByLabel("Issuer", { exact: true })).toHaveValue(GITHUB);
  await section.getByLabel(/^Conditions/).fill("sub=*");
  await section.getByRole("button", { name: "Trust this workload" }).click();
  await expect(section.locator("#workload-conditions-error")).toContainText("matches everything");
  await section.getByLabel(/^Conditions/).fill("repository=acme/etl\nref=refs/heads/main");
  await section.getByText("More: a pasted JWKS").click();
  await section.getByLabel(/^JWKS/).fill(jwks);
  await section.getByRole("button", { name: "Trust this workload" }).click();
  await expect(section.getByRole("list", { name: "Trusted workloads" })).toContainText("repository = acme/etl");

  const step = await snippet(page, "Use it from a job (no stored secret)", "GitHub Actions");
  const script = step
    .slice(step.indexOf("run: |") + "run: |".length)
    .split("\n")
    .map((line) => line.replace(/^ {6}/, ""))
    .join("\n");
  const service = await actionsTokenService(privateKey);
  try {
    const { stdout } = await run("bash", ["-c", script], {
      env: {
        ...process.env,
        ACTIONS_ID_TOKEN_REQUEST_URL: service.url,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
      },
      timeout: 60_000,
    });
    expect(stdout).toContain("service@simulator.example");
  } finally {
    service.server.close();
  }

  await page.reload();
  await expect(section.getByText(/Last used: .*(now|second)/)).toBeVisible();
  await page.goto("/teams/keyless/audit");
  const table = page.getByRole("table");
  await expect(table.getByRole("cell", { name: "token.exchange", exact: true }).first()).toBeVisible();
  await expect(table).toContainText("4242424242");
  await expect(table).toContainText("acme/etl");
});
