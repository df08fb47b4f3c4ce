#!/usr/bin/env node
// anaplan-portal: Anaplan access tokens from the portal for shell scripts and tools. Reads ANAPLAN_PORTAL_URL and
// ANAPLAN_PORTAL_KEY.
import { spawn } from "node:child_process";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PortalError, platformToken, TokenSource } from "../index.mjs";

const USAGE = `Usage:
  anaplan-portal token              print a current Anaplan access token
  anaplan-portal whoami             show the key's identity and its state
  anaplan-portal exec -- <command>  run <command> with ANAPLAN_TOKEN set; ANAPLAN_TOKEN_FILE always holds a
                                    current token (renewed before it expires), for commands that run longer

Environment: ANAPLAN_PORTAL_URL (the portal, e.g. https://portal.example.com) and ANAPLAN_PORTAL_KEY (atp_…).

Keyless (no key: the job's own platform token is exchanged), e.g. anaplan-portal token --github-actions:
  --github-actions | --gitlab | --kubernetes   where the job runs
  --identity <team slug>/<identity name>       default ANAPLAN_PORTAL_IDENTITY
  --audience <aud>                             GitHub Actions: the audience to ask for (default: the portal's URL)
  --id-token-var <name>                        GitLab: the id_tokens variable (default ANAPLAN_PORTAL_ID_TOKEN)
  --token-file <path>                          Kubernetes: the projected token (default /var/run/secrets/anaplan-portal/token)`;

const PLATFORMS = { "--github-actions": "github-actions", "--gitlab": "gitlab", "--kubernetes": "kubernetes" };
const VALUES = {
  "--identity": "identity",
  "--audience": "audience",
  "--id-token-var": "variable",
  "--token-file": "file",
};

/** The command and the options around it (`token --github-actions`, or before it); exec's command after `--`. */
function parse(argv) {
  const options = {};
  let command;
  let i = 0;
  for (; i < argv.length && argv[i] !== "--"; i++) {
    if (PLATFORMS[argv[i]]) options.platform = PLATFORMS[argv[i]];
    else if (VALUES[argv[i]] && argv[i + 1] !== undefined) options[VALUES[argv[i]]] = argv[++i];
    else if (command === undefined) command = argv[i];
    else break;
  }
  return { options, command, rest: argv.slice(i) };
}

function sourceFor({ platform, identity, audience, variable, file }) {
  if (!platform) return new TokenSource();
  const portalUrl = process.env.ANAPLAN_PORTAL_URL;
  return new TokenSource({
    workload: {
      identity: identity ?? process.env.ANAPLAN_PORTAL_IDENTITY,
      subjectToken: platformToken(platform, { audience: audience ?? portalUrl, variable, file }),
    },
  });
}

/** Renews at half the token's life left, asking for more than that, so a long command never holds a dead token. */
async function renewing(source, file) {
  let timer;
  const write = (token) => {
    writeFileSync(`${file}.new`, token, { mode: 0o600 });
    renameSync(`${file}.new`, file);
  };
  const schedule = (life) => {
    timer = setTimeout(
      async () => {
        try {
          const token = await source.token({ minValidSeconds: life / 2 + 1 });
          write(token);
          schedule((source.expiresAt - Date.now()) / 1000);
        } catch (error) {
          process.stderr.write(`anaplan-portal: could not renew the token: ${error.message}\n`);
          schedule(Math.max(10, life / 2));
        }
      },
      (life / 2) * 1000,
    );
    timer.unref();
  };
  const token = await source.token();
  write(token);
  schedule((source.expiresAt - Date.now()) / 1000);
  return { token, stop: () => clearTimeout(timer) };
}

async function exec(source, command) {
  if (command.length === 0) throw new Error("exec needs a command: anaplan-portal exec -- <command> [args…]");
  const dir = mkdtempSync(path.join(os.tmpdir(), "anaplan-portal-"));
  const file = path.join(dir, "token");
  const renewal = await renewing(source, file);
  const child = spawn(command[0], command.slice(1), {
    stdio: "inherit",
    env: { ...process.env, ANAPLAN_TOKEN: renewal.token, ANAPLAN_TOKEN_FILE: file },
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  const code = await new Promise((resolve) => {
    child.on("error", (error) => {
      process.stderr.write(`anaplan-portal: ${command[0]}: ${error.message}\n`);
      resolve(127);
    });
    child.on("exit", (status, signal) => resolve(status ?? (signal ? 128 + os.constants.signals[signal] : 1)));
  });
  renewal.stop();
  rmSync(dir, { recursive: true, force: true });
  return code;
}

async function main(argv) {
  const { options, command, rest } = parse(argv);
  if (command === "--help" || command === "-h" || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  const source = sourceFor(options);
  if (command === "token") {
    process.stdout.write(`${await source.token()}\n`);
    return 0;
  }
  if (command === "whoami") {
    process.stdout.write(`${JSON.stringify(await source.whoami(), null, 2)}\n`);
    return 0;
  }
  if (command === "exec") return exec(source, rest[0] === "--" ? rest.slice(1) : rest);
  process.stderr.write(`anaplan-portal: unknown command "${command}"\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(
      `anaplan-portal: ${error instanceof PortalError ? error.message : (error.message ?? error)}\n`,
    );
    process.exit(1);
  },
);
