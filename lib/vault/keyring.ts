// Key-encryption keys. The vault only ever talks to a KekProvider, so a cloud KMS can replace the local keyring
// without touching any caller; that is why wrap and unwrap are async.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { CiphertextIntegrityError, UnknownKeyVersionError, VaultConfigError } from "./errors";

export interface KekProvider {
  /** The version new data keys are wrapped with. */
  readonly activeVersion: number;
  readonly versions: readonly number[];
  wrap(dek: Buffer, aad: Buffer): Promise<{ version: number; wrapped: Buffer }>;
  unwrap(version: number, wrapped: Buffer, aad: Buffer): Promise<Buffer>;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const WRAPPED_DEK_BYTES = IV_BYTES + 32 + TAG_BYTES;

/** Keys from `v2:<base64>,v1:<base64>`: the first is active, the others still open what they sealed. */
export class LocalKeyring implements KekProvider {
  readonly activeVersion: number;
  readonly versions: readonly number[];
  readonly #keys: Map<number, Buffer>;

  constructor(spec: string) {
    this.#keys = new Map();
    for (const entry of spec.split(",").map((s) => s.trim())) {
      const match = /^v(\d{1,5}):([A-Za-z0-9+/]+={0,2})$/.exec(entry);
      if (!match?.[1] || !match[2])
        throw new VaultConfigError("each key must look like v<number>:<base64 of 32 bytes>");
      const version = Number(match[1]);
      if (version < 1 || version > 65535) throw new VaultConfigError(`key version v${version} must be 1–65535`);
      if (this.#keys.has(version)) throw new VaultConfigError(`key version v${version} appears twice`);
      const key = Buffer.from(match[2], "base64");
      if (key.length !== 32)
        throw new VaultConfigError(`key v${version} must be exactly 32 bytes (it is ${key.length})`);
      this.#keys.set(version, key);
    }
    const [first] = this.#keys.keys();
    if (first === undefined) throw new VaultConfigError("no key given");
    this.activeVersion = first;
    this.versions = [...this.#keys.keys()];
  }

  async wrap(dek: Buffer, aad: Buffer) {
    const key = this.#key(this.activeVersion);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES }).setAAD(aad);
    const wrapped = Buffer.concat([iv, cipher.update(dek), cipher.final(), cipher.getAuthTag()]);
    return { version: this.activeVersion, wrapped };
  }

  async unwrap(version: number, wrapped: Buffer, aad: Buffer) {
    const key = this.#key(version);
    if (wrapped.length !== WRAPPED_DEK_BYTES) throw new CiphertextIntegrityError();
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, wrapped.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(aad).setAuthTag(wrapped.subarray(IV_BYTES + 32));
      return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES, IV_BYTES + 32)), decipher.final()]);
    } catch {
      throw new CiphertextIntegrityError();
    }
  }

  #key(version: number) {
    const key = this.#keys.get(version);
    if (!key) throw new UnknownKeyVersionError(version);
    return key;
  }
}
