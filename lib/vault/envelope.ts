// Envelope encryption of one secret: a fresh data key (DEK) per value, AES-256-GCM with a random 12-byte IV and a
// 16-byte tag, the DEK wrapped by the keyring's active key. Layout of the stored bytes:
//   fmt (1) | KEK version (2, big-endian) | wrapped DEK (60) | IV (12) | ciphertext | tag (16)
// The caller's AAD ("<table>:<row id>:<field>") is bound into both layers, so a value copied to another row or
// field, or a changed header byte, fails to open.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { CiphertextIntegrityError } from "./errors";
import { type KekProvider, WRAPPED_DEK_BYTES } from "./keyring";

const FORMAT = 1;
const HEADER_BYTES = 3;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MIN_BYTES = HEADER_BYTES + WRAPPED_DEK_BYTES + IV_BYTES + TAG_BYTES;

/** The leading bytes a re-wrap changes (format, KEK version, wrapped data key); the IV and ciphertext follow unchanged. */
export const KEY_PREFIX_BYTES = HEADER_BYTES + WRAPPED_DEK_BYTES;

const header = (version: number) => Buffer.from([FORMAT, version >> 8, version & 0xff]);
const dataAad = (aad: string) => Buffer.concat([Buffer.from([FORMAT]), Buffer.from(aad, "utf8")]);
const wrapAad = (version: number, aad: string) => Buffer.concat([header(version), Buffer.from(aad, "utf8")]);

function parse(sealed: Uint8Array, minBytes = MIN_BYTES) {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < minBytes || bytes[0] !== FORMAT) throw new CiphertextIntegrityError();
  const version = bytes.readUInt16BE(1);
  return {
    bytes,
    version,
    wrapped: bytes.subarray(HEADER_BYTES, KEY_PREFIX_BYTES),
    rest: bytes.subarray(KEY_PREFIX_BYTES),
  };
}

export function createVault(kek: KekProvider) {
  return {
    async seal(plaintext: string, aad: string): Promise<Buffer> {
      const dek = randomBytes(32);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", dek, iv, { authTagLength: TAG_BYTES }).setAAD(dataAad(aad));
      const body = Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
      const { version, wrapped } = await kek.wrap(dek, wrapAad(kek.activeVersion, aad));
      dek.fill(0);
      return Buffer.concat([header(version), wrapped, body]);
    },

    async open(sealed: Uint8Array, aad: string): Promise<string> {
      const { version, wrapped, rest } = parse(sealed);
      const dek = await kek.unwrap(version, wrapped, wrapAad(version, aad));
      try {
        const decipher = createDecipheriv("aes-256-gcm", dek, rest.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
        decipher.setAAD(dataAad(aad)).setAuthTag(rest.subarray(rest.length - TAG_BYTES));
        return Buffer.concat([
          decipher.update(rest.subarray(IV_BYTES, rest.length - TAG_BYTES)),
          decipher.final(),
        ]).toString("utf8");
      } catch {
        throw new CiphertextIntegrityError();
      } finally {
        dek.fill(0);
      }
    },

    keyVersionOf(sealed: Uint8Array): number {
      return parse(sealed).version;
    },

    /** Re-wraps only the data key under the active KEK: the IV and ciphertext stay byte-for-byte the same. */
    async rewrap(sealed: Uint8Array, aad: string): Promise<Buffer> {
      const { bytes, rest } = parse(sealed);
      return Buffer.concat([await this.rewrapKeyPrefix(bytes.subarray(0, KEY_PREFIX_BYTES), aad), rest]);
    },

    /**
     * The same from a value's first KEY_PREFIX_BYTES alone, for key rotation, which reads and writes only those
     * bytes of each stored value. The prefix is returned unchanged when it is already under the active KEK.
     */
    async rewrapKeyPrefix(prefix: Uint8Array, aad: string): Promise<Buffer> {
      const { bytes, version, wrapped } = parse(prefix, KEY_PREFIX_BYTES);
      if (version === kek.activeVersion) return Buffer.from(bytes.subarray(0, KEY_PREFIX_BYTES));
      const dek = await kek.unwrap(version, wrapped, wrapAad(version, aad));
      try {
        const next = await kek.wrap(dek, wrapAad(kek.activeVersion, aad));
        return Buffer.concat([header(next.version), next.wrapped]);
      } finally {
        dek.fill(0);
      }
    },
  };
}

export type Vault = ReturnType<typeof createVault>;
