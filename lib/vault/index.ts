// The portal's vault, built from TOKEN_ENCRYPTION_KEYS. Rebuilt when that setting changes (a reloaded keyring
// after rotation is picked up without a restart).
import "server-only";
import { env } from "@/lib/platform/env";
import { createVault, type Vault } from "./envelope";
import { VaultConfigError } from "./errors";
import { LocalKeyring } from "./keyring";

export { CiphertextIntegrityError, UnknownKeyVersionError, VaultConfigError } from "./errors";
export type { KekProvider } from "./keyring";

/** The AAD binding a sealed value to its row and column, e.g. `grants:<id>:refresh_token`. */
export const aadFor = (table: string, id: string, field: string) => `${table}:${id}:${field}`;

let cached: { spec: string; vault: Vault; keyring: LocalKeyring } | undefined;

function current() {
  const spec = env().TOKEN_ENCRYPTION_KEYS;
  if (!spec) throw new VaultConfigError("not set (boot generates one outside production)");
  if (cached?.spec !== spec) {
    const keyring = new LocalKeyring(spec);
    cached = { spec, keyring, vault: createVault(keyring) };
  }
  return cached;
}

export const vault = (): Vault => current().vault;
export const keyring = (): LocalKeyring => current().keyring;

/** For /api/health: the key ring parses and a probe seals and opens again. Never throws, never says why. */
export async function keyRingReady(): Promise<boolean> {
  try {
    const probe = `health:${Date.now()}`;
    return (await vault().open(await vault().seal(probe, "health"), "health")) === probe;
  } catch {
    return false;
  }
}
