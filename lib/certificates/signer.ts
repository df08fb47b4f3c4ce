// Who signs a nonce. The local signer opens the identity's sealed key from Postgres for the one signature and keeps
// nothing. A KMS or HSM signer implements the same interface (sign with the key it holds, never export it) and is
// returned by signerFor instead, as a KekProvider replaces the local keyring in lib/vault.
import "server-only";
import { sign } from "node:crypto";
import { aadFor, vault } from "@/lib/vault";
import { keyFromPem } from "./keys";

/** RSA PKCS#1 v1.5 with SHA-512 over `data`, as Anaplan verifies a CA-certificate nonce. */
export interface Signer {
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export const privateKeyAad = (certificateId: string) => aadFor("certificates", certificateId, "private_key");

export const sealPrivateKey = async (certificateId: string, pkcs8Pem: string): Promise<Uint8Array<ArrayBuffer>> =>
  new Uint8Array(await vault().seal(pkcs8Pem, privateKeyAad(certificateId)));

type Sealed = { id: string; privateKey: Uint8Array };

/** The key itself, in memory for one use: a signature, or checking that an uploaded certificate matches it. */
export const openKey = async (certificate: Sealed) =>
  keyFromPem(await vault().open(certificate.privateKey, privateKeyAad(certificate.id)));

export function signerFor(certificate: Sealed): Signer {
  return {
    async sign(data) {
      return new Uint8Array(sign("sha512", data, await openKey(certificate)));
    },
  };
}
