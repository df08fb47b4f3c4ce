// Outside production, secrets that were not configured are generated once and kept in <DATA_DIR>/secrets.json
// (git-ignored, mode 0600), so the quick start needs no hand-written .env and survives restarts.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

const devSecretsSchema = z.object({
  nextauthSecret: z.string().min(32),
  tokenEncryptionKeys: z.string().min(1),
  postgresPassword: z.string().min(16),
});

export type DevSecrets = z.infer<typeof devSecretsSchema>;

export async function loadOrCreateDevSecrets(dataDir: string): Promise<DevSecrets> {
  const file = path.join(path.resolve(dataDir), "secrets.json");
  if (existsSync(file)) {
    const parsed = devSecretsSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
    if (parsed.success) return parsed.data;
    throw new Error(`${file} is damaged; delete it (and ${dataDir}/pg) to start afresh`);
  }
  const secrets: DevSecrets = {
    nextauthSecret: randomBytes(32).toString("base64url"),
    tokenEncryptionKeys: `v1:${randomBytes(32).toString("base64")}`,
    postgresPassword: randomBytes(18).toString("base64url"),
  };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
