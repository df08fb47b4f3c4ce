// A stand-in for GitHub's Actions token service (ACTIONS_ID_TOKEN_REQUEST_URL): it answers a job token for the
// audience asked, GitHub-shaped and signed by a key of the test's own, whose JWKS the policy is given.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type Page } from "@playwright/test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

export const GITHUB = "https://token.actions.githubusercontent.com";
export const REQUEST_TOKEN = "request-token";

export async function actionsTokenService(claims: Record<string, unknown> = {}) {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "gh-1", alg: "RS256", use: "sig" }] });
  const server = http.createServer(async (req, res) => {
    const audience = new URL(req.url ?? "/", "http://x").searchParams.get("audience") ?? "";
    if (req.headers.authorization !== `bearer ${REQUEST_TOKEN}`) return void res.writeHead(401).end();
    const value = await new SignJWT({
      sub: "repo:acme/etl:ref:refs/heads/main",
      repository: "acme/etl",
      ref: "refs/heads/main",
      workflow_ref: "acme/etl/.github/workflows/nightly.yml@refs/heads/main",
      run_id: "4242424242",
      actor: "octocat",
      ...claims,
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
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?api-version=2.0`;
  /** The environment a GitHub Actions job with `id-token: write` has. */
  const env = { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN };
  return { jwks, env, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** On an identity's page: trust acme/etl's workflows on main, with `jwks` pasted (the stand-in is not GitHub). */
export async function trustGithubWorkflow(page: Page, jwks: string) {
  const section = page.getByRole("region", { name: "Trusted workloads (keyless)" });
  await section.getByLabel("Name", { exact: true }).fill("acme etl on main");
  await expect(section.getByLabel("Issuer", { exact: true })).toHaveValue(GITHUB);
  await section.getByLabel(/^Conditions/).fill("repository=acme/etl\nref=refs/heads/main");
  await section.getByText("More: a pasted JWKS").click();
  await section.getByLabel(/^JWKS/).fill(jwks);
  await section.getByRole("button", { name: "Trust this workload" }).click();
  await expect(section.getByRole("list", { name: "Trusted workloads" })).toContainText("repository = acme/etl");
  return section;
}
