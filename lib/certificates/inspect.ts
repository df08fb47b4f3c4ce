// The checks an uploaded certificate must pass before the portal signs anything with it, as Anaplan would apply
// them: made for this identity's key, issued by a CA (not self-signed), valid now, an email in the SAN or
// emailAddress (and the one the identity expects), digital-signature key usage. Every failure is a sentence.
import { type KeyObject, X509Certificate } from "node:crypto";
import { Problems, refuse } from "./problems";
import { x509 } from "./x509";

export type InspectedCertificate = {
  certificatePem: string;
  /** The other certificates of the upload (intermediates), in the order given; empty when there are none. */
  chainPem: string;
  email: string;
  subject: string;
  issuer: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
};

const day = (d: Date) => d.toISOString().slice(0, 10);

function certificatesIn(text: string) {
  let blocks: ArrayBuffer[] = [];
  try {
    blocks = x509.PemConverter.decodeWithHeaders(text)
      .filter((block) => block.type === "CERTIFICATE")
      .map((block) => block.rawData);
  } catch {
    blocks = [];
  }
  if (blocks.length === 0) {
    refuse("certificate", "This is not a PEM certificate: it should begin with -----BEGIN CERTIFICATE-----.");
  }
  try {
    return blocks.map((der) => ({
      node: new X509Certificate(Buffer.from(der)),
      peculiar: new x509.X509Certificate(der),
    }));
  } catch {
    return refuse("certificate", "This certificate could not be read: it is damaged or not X.509.");
  }
}

function emailsOf(cert: x509.X509Certificate) {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const fromSan = san?.names.items.filter((n) => n.type === "email").map((n) => n.value) ?? [];
  const fromSubject = cert.subjectName.getField("E");
  return [...new Set([...fromSan, ...fromSubject].map((e) => e.trim().toLowerCase()))];
}

/** The upload's certificate for `key`, checked, or every reason it cannot be used. */
export function inspectCertificate(
  text: string,
  key: KeyObject,
  options: { expectedEmail: string | null; now?: Date },
): InspectedCertificate {
  const now = options.now ?? new Date();
  const all = certificatesIn(text);
  const leaf = all.find((c) => c.node.checkPrivateKey(key));
  if (!leaf) {
    return refuse(
      "certificate",
      "This certificate was not made for this identity's key (its public key is different). Upload the certificate your CA issued for this identity's CSR.",
    );
  }
  const problems = new Problems();
  const notBefore = new Date(leaf.node.validFrom);
  const notAfter = new Date(leaf.node.validTo);
  if (notAfter <= now) problems.add("certificate", `The certificate expired on ${day(notAfter)}.`);
  if (notBefore > now) problems.add("certificate", `The certificate is not valid until ${day(notBefore)}.`);
  // Issuer and subject alike and its own key verifying it (checkIssued would also demand keyCertSign usage).
  if (leaf.node.issuer === leaf.node.subject && leaf.node.verify(leaf.node.publicKey)) {
    problems.add(
      "certificate",
      "The certificate is self-signed: Anaplan accepts only certificates issued by a certificate authority it trusts.",
    );
  }
  const emails = emailsOf(leaf.peculiar);
  if (emails.length === 0) {
    problems.add(
      "certificate",
      "The certificate names no email address (in its subject alternative name or emailAddress): Anaplan needs the account's email there.",
    );
  } else if (options.expectedEmail && !emails.includes(options.expectedEmail.toLowerCase())) {
    problems.add(
      "certificate",
      `The certificate is for ${emails.join(", ")}, but this identity expects ${options.expectedEmail}.`,
    );
  }
  const usage = leaf.peculiar.getExtension(x509.KeyUsagesExtension);
  if (!usage || (usage.usages & x509.KeyUsageFlags.digitalSignature) === 0) {
    problems.add(
      "certificate",
      "The certificate's key usage does not allow digital signatures, which Anaplan requires.",
    );
  }
  problems.check();
  return {
    certificatePem: leaf.node.toString(),
    chainPem: all
      .filter((c) => c !== leaf)
      .map((c) => c.node.toString())
      .join(""),
    email: emails.find((e) => e === options.expectedEmail?.toLowerCase()) ?? emails[0] ?? "",
    subject: leaf.node.subject.replaceAll("\n", ", "),
    issuer: leaf.node.issuer.replaceAll("\n", ", "),
    fingerprint: leaf.node.fingerprint256,
    notBefore,
    notAfter,
  };
}
