// The identity's RSA key: made here (RSA-3072, with a PKCS#10 request carrying the account's email in the subject
// and the SAN) or read from an upload (PKCS#8, optionally passphrase-protected, or PKCS#1). Either way it leaves
// this module only as a PKCS#8 PEM for the vault to seal, and the request is the only thing ever shown.
import { createPrivateKey, type KeyObject } from "node:crypto";
import { refuse } from "./problems";
import { x509 } from "./x509";

/** Anaplan accepts RSA of 2048 bits or more; the portal makes 3072-bit keys. */
export const MIN_RSA_BITS = 2048;
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

const ENCRYPTED = /-----BEGIN ENCRYPTED PRIVATE KEY-----/;
const ANY_KEY = /-----BEGIN (?:ENCRYPTED |RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED |RSA )?PRIVATE KEY-----/;

/** An uploaded private key, as a KeyObject, or a sentence saying why not. */
export function readPrivateKey(text: string, passphrase: string | undefined): KeyObject {
  const pem = ANY_KEY.exec(text)?.[0];
  if (!pem) {
    return refuse("privateKey", "This is not a PEM private key: it should begin with -----BEGIN PRIVATE KEY-----.");
  }
  if (ENCRYPTED.test(pem) && !passphrase) {
    return refuse("passphrase", "This key is protected by a passphrase: give it.");
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem", passphrase: passphrase || undefined });
  } catch {
    return ENCRYPTED.test(pem)
      ? refuse("passphrase", "The passphrase does not open this key.")
      : refuse("privateKey", "This private key could not be read: it is damaged or not PKCS#8.");
  }
  if (key.asymmetricKeyType !== "rsa") return refuse("privateKey", "Anaplan takes RSA keys only; this key is not RSA.");
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
    return refuse("privateKey", `Anaplan takes RSA keys of ${MIN_RSA_BITS} bits or more; this one is shorter.`);
  }
  return key;
}

/** The PKCS#8 PEM the vault seals. */
export const pkcs8Pem = (key: KeyObject) => key.export({ type: "pkcs8", format: "pem" }).toString();

export const keyFromPem = (pem: string) => createPrivateKey({ key: pem, format: "pem" });
