// A key and certificate made outside the portal, as a company's PKI makes them: an RSA key, its CSR, and the
// certificate the simulator's test CA issues for it (with `options` for expired, not-yet-valid or wrong-email ones).
import { generateKeyPairSync } from "node:crypto";
import { x509 } from "../../lib/certificates/x509";
import type { simulatorOperator } from "../../simulator/operator-client";

type Operator = ReturnType<typeof simulatorOperator>;
const ALGORITHM = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };

export async function externalKeyPair(
  operator: Operator,
  email: string,
  options: Parameters<Operator["signCsr"]>[1] = {},
  modulusLength = 2048,
) {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength });
  const keys = {
    privateKey: await crypto.subtle.importKey(
      "pkcs8",
      privateKey.export({ type: "pkcs8", format: "der" }),
      ALGORITHM,
      true,
      ["sign"],
    ),
    publicKey: await crypto.subtle.importKey(
      "spki",
      publicKey.export({ type: "spki", format: "der" }),
      ALGORITHM,
      true,
      ["verify"],
    ),
  };
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${email}, E=${email}`,
    keys,
    signingAlgorithm: ALGORITHM,
  });
  const { certificate } = await operator.signCsr(csr.toString("pem"), options);
  return { privateKey, certificate, keys };
}
