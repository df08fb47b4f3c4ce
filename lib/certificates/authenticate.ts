// A certificate grant's "refresh": one CA-certificate authentication with a fresh signed nonce, at the auth host
// that issued the grant. Called under the grant's lease (lib/grants/access-token.ts), so one call serves everyone.
import "server-only";
import { AnaplanError, authenticateWithCertificate, type CertificateFormat, type TokenSet } from "@/lib/anaplan";
import { signerFor } from "./signer";
import { activeKeyOf } from "./store";

export async function authenticateGrant(
  grant: { id: string; oauthUrl: string },
  format: CertificateFormat,
): Promise<TokenSet> {
  const key = await activeKeyOf(grant.id);
  if (!key?.privateKey || !key.certificatePem) {
    throw new AnaplanError("refused", { reason: "no certificate is in use" });
  }
  const signer = signerFor({ id: key.id, privateKey: key.privateKey });
  return authenticateWithCertificate(
    { authUrl: grant.oauthUrl },
    { certificatePem: key.certificatePem, format, sign: (nonce) => signer.sign(nonce) },
  );
}
