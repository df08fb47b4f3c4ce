// The client packages in clients/, installed the way their README says (npm install ./clients/node, pip install
// ./clients/python), run their own tests against this portal and the simulator's Anaplan: a key made in the
// browser, and nothing else configured but ANAPLAN_PORTAL_URL and ANAPLAN_PORTAL_KEY.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { simulatorOperator } from "../../simulator/operator-client";
import { actionsTokenService, trustGithubWorkflow } from "./support/actions-token";
import {
  adminWithTeam,
  createApiKey,
  createApiKeyHere,
  enrolNewIdentity,
  importedCertificateIdentity,
} from "./support/flows";
import { snippet } from "./support/snippets";
import { expect, test } from "./support/test";

const run = promisify(execFile);
const simulator = simulatorOperator("http://127.0.0.1:3199");
const ANAPLAN = { api: "http://127.0.0.1:3200", auth: "http://127.0.0.1:3201" };

/** Runs a test command; on failure the assertion shows everything it printed. */
async function passes(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string | undefined> },
) {
  const result = await run(command, args, {
    ...options,
    env: options.env as NodeJS.ProcessEnv,
    timeout: 120_000,
  }).catch((error) => error);
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  expect(result.code ?? 0, output).toBe(0);
  return output;
}

test("the Node package, its CLI and the Python package work against the portal by configuration alone", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(240_000);
  const repo = process.cwd();
  const work = mkdtempSync(path.join(os.tmpdir(), "clients-"));
  const installed = Promise.all([
    run("npm", ["install", "--prefix", path.join(work, "node"), "--no-audit", "--no-fund", `${repo}/clients/node`]),
    run("/usr/bin/python3", [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--target",
      path.join(work, "python"),
      `${repo}/clients/python`,
    ]),
  ]);
  const { accessTokenTtlSeconds } = (await simulator.setDefaults({ deviceInterval: 1 })) as {
    accessTokenTtlSeconds: number;
  };
  await adminWithTeam(page, { name: "Clients", slug: "clients" });
  await enrolNewIdentity(page, simulator, "clients", "packages");
  const key = await createApiKey(page, "packages");
  await installed;
  const shown = {
    python: await snippet(page, "Try it", "Python (anaplan_portal)"),
    node: await snippet(page, "Try it", "Node.js (anaplan-portal)"),
    shell: await snippet(page, "Try it", "Shell (anaplan-portal)"),
    anaplanConnect: await snippet(page, "Try it", "Anaplan Connect"),
  };
  // Keyless too: the packages' workload sources exchange a GitHub-shaped job token from a stand-in token service.
  const actions = await actionsTokenService();
  await trustGithubWorkflow(page, actions.jwks);
  // An identity whose first token lasts 20 s, so `exec` has to renew it while its command runs.
  await simulator.setDefaults({ accessTokenTtlSeconds: 20 });
  await enrolNewIdentity(page, simulator, "clients", "short-lived");
  await simulator.setDefaults({ accessTokenTtlSeconds });
  const shortLivedKey = await createApiKey(page, "short-lived");

  const env = {
    PATH: process.env.PATH,
    ANAPLAN_PORTAL_URL: baseURL,
    ANAPLAN_PORTAL_KEY: key,
    ANAPLAN_API_URL: ANAPLAN.api,
    ANAPLAN_AUTH_URL: ANAPLAN.auth,
    ANAPLAN_PORTAL_IDENTITY: "clients/packages",
    // The simulator's first model (simulator/integration.ts), for the gateway's cases.
    ANAPLAN_WORKSPACE_ID: "8a868cda7d5f4e6a017d6b1c2a3b0001",
    ANAPLAN_MODEL_ID: "75A40874E6B64FA3AE0743278996850F",
    ...actions.env,
  };
  const node = await passes(process.execPath, ["--test", "--test-reporter=spec", "test/anaplan-portal.test.mjs"], {
    cwd: path.join(repo, "clients/node"),
    env: {
      ...env,
      ANAPLAN_PORTAL_BIN: path.join(work, "node/node_modules/.bin/anaplan-portal"),
      SHORT_LIVED_KEY: shortLivedKey,
    },
  });
  expect(node).toMatch(/pass 10\b/);
  // From a directory without the sources, so the installed package is the one imported.
  const python = await passes(
    "/usr/bin/python3",
    ["-m", "unittest", "discover", "-v", "-s", `${repo}/clients/python/tests`],
    {
      cwd: work,
      env: { ...env, PYTHONPATH: path.join(work, "python") },
    },
  );
  expect(python).toMatch(/Ran 12 tests[\s\S]*OK/);

  // The identity page's examples for the packages, run as shown, from where the packages were installed.
  writeFileSync(path.join(work, "python/me.py"), shown.python);
  writeFileSync(path.join(work, "node/me.mjs"), shown.node);
  writeFileSync(path.join(work, "me.sh"), shown.shell);
  const withKey = { ...env, ANAPLAN_PORTAL_KEY: key };
  const examples = [
    ["/usr/bin/python3", ["me.py"], path.join(work, "python"), { PYTHONPATH: path.join(work, "python") }],
    [process.execPath, ["me.mjs"], path.join(work, "node"), {}],
    ["bash", ["me.sh"], work, { PATH: `${path.join(work, "node/node_modules/.bin")}:${process.env.PATH}` }],
  ] as const;
  for (const [command, args, cwd, extra] of examples)
    expect(await passes(command, [...args], { cwd, env: { ...withKey, ...extra } })).toContain(
      "service@simulator.example",
    );
  await anaplanConnectAsShown(shown.anaplanConnect, key);

  // A certificate identity (an SSO account) is served to the same packages, unchanged: its page's examples, run.
  await importedCertificateIdentity(page, simulator, "clients", "sso-packages", "sso@simulator.example");
  const certificateKey = await createApiKeyHere(page, "sso packages");
  writeFileSync(path.join(work, "python/me.py"), await snippet(page, "Try it", "Python (anaplan_portal)"));
  writeFileSync(path.join(work, "node/me.mjs"), await snippet(page, "Try it", "Node.js (anaplan-portal)"));
  writeFileSync(path.join(work, "me.sh"), await snippet(page, "Try it", "Shell (anaplan-portal)"));
  for (const [command, args, cwd, extra] of examples)
    expect(
      await passes(command, [...args], { cwd, env: { ...env, ANAPLAN_PORTAL_KEY: certificateKey, ...extra } }),
    ).toContain("sso@simulator.example");
});

/** The Anaplan Connect example's -auth, -service and -user, used exactly as Anaplan Connect's auth client would. */
async function anaplanConnectAsShown(shown: string, key: string) {
  const option = (name: string) => new RegExp(`-${name} "([^"]+)"`).exec(shown)?.[1] ?? "";
  const [user, password] = option("user").split(":");
  expect(password).toBe("$ANAPLAN_PORTAL_KEY");
  const login = await fetch(`${option("auth")}/token/authenticate`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      AUTHORIZATION: `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`,
      "X-AConnect-Client": "Anaplan_Connect_4.3.1",
    },
  });
  expect(login.status).toBe(201);
  const { tokenInfo } = (await login.json()) as { tokenInfo: { tokenValue: string } };
  const me = await fetch(`${option("service")}2/0/users/me`, {
    headers: { AUTHORIZATION: `AnaplanAuthToken ${tokenInfo.tokenValue}` },
  });
  expect(((await me.json()) as { user: { email: string } }).user.email).toBe("service@simulator.example");
}
