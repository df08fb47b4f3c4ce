// CA-certificate authentication (`POST {authUrl}/token/authenticate`, `Authorization: CACertificate …`): the nonce
// payload Anaplan asks for and the token it answers with. Signing is the caller's: this module never sees a key.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { type CallOptions, request } from "./http";
import { credential } from "./schema";
import type { TokenSet } from "./tokens";
import { type AnaplanEndpoints, endpoint } from "./urls";

/** v2 (required by Anaplan since 2026): a timestamp leads the nonce. v1: random bytes only, for tenants that need it. */
export type CertificateFormat = "v2" | "v1";

/** RSA PKCS#1 v1.5 with SHA-512 over the decoded nonce bytes, by whoever holds the key. */
export type SignNonce = (nonce: Uint8Array) => Promise<Uint8Array>;

const RANDOM_BYTES = 150;
const MAX_TOKEN_LENGTH = 16 * 1024;
const MAX_DATE_MS = 8.64e15;

/** A fresh nonce: v2 is an 8-byte big-endian Unix time in seconds followed by random bytes (at least 100). */
export function certificateNonce(format: CertificateFormat, now = Date.now()): Uint8Array {
  const random = randomBytes(RANDOM_BYTES);
  if (format === "v1") return new Uint8Array(random);
  const nonce = new Uint8Array(8 + RANDOM_BYTES);
  new DataView(nonce.buffer).setBigUint64(0, BigInt(Math.floor(now / 1000)));
  nonce.set(random, 8);
  return nonce;
}

/** The JSON body: v1 has no `encodedDataFormat`. */
export function certificatePayload(format: CertificateFormat, nonce: Uint8Array, signature: Uint8Array) {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
  return {
    encodedData: b64(nonce),
    encodedSignedData: b64(signature),
    ...(format === "v2" ? { encodedDataFormat: "v2" } : {}),
  };
}

// Anaplan's answer; an optional `refreshToken` ("in preparation for JWT support") is accepted and ignored.
const authenticateResponse = z.object({
  status: z.literal("SUCCESS"),
  tokenInfo: z.object({
    tokenValue: credential(MAX_TOKEN_LENGTH),
    expiresAt: z.number().int().positive().max(MAX_DATE_MS),
  }),
});

/** One authentication with a fresh, signed nonce. The token is an `AnaplanAuthToken` (35 minutes at Anaplan). */
export async function authenticateWithCertificate(
  ep: Pick<AnaplanEndpoints, "authUrl">,
  args: { certificatePem: string; format: CertificateFormat; sign: SignNonce },
  options?: CallOptions,
): Promise<TokenSet> {
  const nonce = certificateNonce(args.format);
  const signature = await args.sign(nonce);
  const { body } = await request(
    {
      method: "POST",
      url: endpoint(ep.authUrl, "/token/authenticate"),
      certificate: args.certificatePem,
      json: certificatePayload(args.format, nonce, signature),
      ...options,
    },
    authenticateResponse,
  );
  return {
    accessToken: body.tokenInfo.tokenValue,
    accessTokenExpiresAt: new Date(body.tokenInfo.expiresAt),
    tokenType: "Bearer",
  };
}
