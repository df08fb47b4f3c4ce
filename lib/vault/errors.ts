// Vault failures. Messages are fixed: they never carry plaintext, key bytes or ciphertext.
export class VaultConfigError extends Error {
  constructor(detail: string) {
    super(`TOKEN_ENCRYPTION_KEYS: ${detail}`);
    this.name = "VaultConfigError";
  }
}

/** Any tampering: a changed byte, a truncated value, a ciphertext moved to another row or field. */
export class CiphertextIntegrityError extends Error {
  constructor() {
    super("A sealed value failed its integrity check (tampered, truncated or moved); it was not opened");
    this.name = "CiphertextIntegrityError";
  }
}

export class UnknownKeyVersionError extends Error {
  constructor(readonly version: number) {
    super(`A sealed value needs key version v${version}, which TOKEN_ENCRYPTION_KEYS does not contain`);
    this.name = "UnknownKeyVersionError";
  }
}
