// A key made here: RSA-3072, sealed at once, with a PKCS#10 request carrying the account's email in the subject and
// the SAN. The request is the only thing of it ever shown. Loaded only where a key is made (an admin's action).
import { createPrivateKey, randomUUID } from "node:crypto";
import { pkcs8Pem } from "./keys";
import { sealPrivateKey } from "./signer";
import type { PreparedKey } from "./store";
import { x509 } from "./x509";

const GENERATED_RSA_BITS = 3072;
const ALGORITHM = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

export type NewKey = { privateKeyPem: string; csrPem: string };

/** A fresh key pair and its certificate signing request for `email`. */
export async function generateKeyAndCsr(email: string): Promise<NewKey> {
  // The global WebCrypto (the one @peculiar/x509 takes) rather than node:crypto's, whose types differ.
  const keys = await crypto.subtle.generateKey(
    { ...ALGORITHM, modulusLength: GENERATED_RSA_BITS, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  );
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [email] }, { E: [email] }],
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.SubjectAlternativeNameExtension([{ type: "email", value: email }]),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.emailProtection]),
    ],
  });
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  return { privateKeyPem: pemOf(pkcs8), csrPem: csr.toString("pem") };
}

const pemOf = (pkcs8: Buffer) => pkcs8Pem(createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }));

/** A key made and sealed, with its CSR, not yet stored: made outside any transaction (RSA-3072 takes a moment). */
export async function prepareGeneratedKey(email: string): Promise<PreparedKey> {
  const id = randomUUID();
  const made = await generateKeyAndCsr(email);
  return { id, privateKey: await sealPrivateKey(id, made.privateKeyPem), csrPem: made.csrPem };
}
