// The identity's RSA key as Node's crypto holds it: read from an upload (PKCS#8, optionally passphrase-protected,
// or PKCS#1), or from its sealed PKCS#8 PEM to sign. Only Node's crypto is needed here, so signing (the broker's
// path) never loads the X.509 library that making a CSR needs (csr.ts).
import { createPrivateKey, type KeyObject } from "node:crypto";
import { refuse } from "./problems";

/** Anaplan accepts RSA of 2048 bits or more. */
export const MIN_RSA_BITS = 2048;

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
