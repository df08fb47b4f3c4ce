// API keys look like `atp_<lookup id>_<secret>`: a fixed prefix secret scanners can match, then two base62 parts
// (letters and digits only, so a double-click selects the whole key). The secret carries 256 random bits; only
// its SHA-256 is stored, which is enough for a value that cannot be guessed, and it is compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const KEY_PREFIX = "atp_";
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const LOOKUP_LENGTH = 12;
/** 43 base62 characters hold 43 × log2(62) ≈ 256.03 bits. */
const SECRET_LENGTH = 43;
const KEY_PATTERN = new RegExp(`^${KEY_PREFIX}([0-9A-Za-z]{${LOOKUP_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})$`);

/** Uniform base62 by rejection: bytes ≥ 248 (4 × 62) are dropped so no character is more likely than another. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export const hashSecret = (secret: string) => createHash("sha256").update(secret, "utf8").digest();

export function generateApiKey() {
  const lookupId = randomBase62(LOOKUP_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  return { key: `${KEY_PREFIX}${lookupId}_${secret}`, lookupId, secretHash: hashSecret(secret) };
}

export function parseApiKey(text: string): { lookupId: string; secret: string } | null {
  const match = KEY_PATTERN.exec(text);
  return match?.[1] && match[2] ? { lookupId: match[1], secret: match[2] } : null;
}

export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  const given = hashSecret(secret);
  return storedHash.byteLength === given.byteLength && timingSafeEqual(given, storedHash);
}

/** What the portal shows of a key after creation. */
/** Whether two secrets are the same, in constant time (their hashes have one length whatever the secrets'). */
export const sameSecret = (a: string, b: string) => timingSafeEqual(hashSecret(a), hashSecret(b));

export const keyPrefixOf = (lookupId: string) => `${KEY_PREFIX}${lookupId}`;

/** A token of the portal's own, good only at its gateway (`atg_` and 256 random bits), for a restricted caller. */
export const newGatewayToken = () => `atg_${randomBase62(SECRET_LENGTH)}`;
