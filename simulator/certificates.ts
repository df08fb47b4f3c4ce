// CA-certificate authentication as Anaplan's auth host does it (`POST /token/authenticate`, `CACertificate …`):
// a test CA made at start (its certificate on /certificates), CSRs signed on request, and every check Anaplan
// applies — issued by a trusted CA, valid, an account's email, the v2 timestamp within ±5 minutes, a nonce used
// once, the SHA-512 RSA signature — each failing with its own FAILURE_ status. SSO accounts are welcome here.
import "reflect-metadata";
import { createHash, verify, X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { userByEmail } from "./accounts";

const ALGORITHM = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;
const WINDOW_SECONDS = 300;
const MIN_RANDOM_BYTES = 100;
const REMEMBERED_NONCES = 100_000;

export type CertificateAuthority = Awaited<ReturnType<typeof createCertificateAuthority>>;

/** Options a test gives to get the certificate it needs: another validity, or another email than the CSR's. */
export type SignOptions = { notBefore?: Date; notAfter?: Date; email?: string; keyUsage?: "none" };

export async function createCertificateAuthority() {
  const keys = await crypto.subtle.generateKey(
    { ...ALGORITHM, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    false,
    ["sign", "verify"],
  );
  const now = Date.now();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=Anaplan Simulator Test CA, O=Anaplan simulator",
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const pem = root.toString("pem");
  const trusted = new X509Certificate(pem);
  let serial = 1;
  return {
    pem,
    trusted,
    /** A client certificate for the CSR's key and subject, with its email in the SAN. */
    async sign(csrPem: string, options: SignOptions = {}) {
      const csr = new x509.Pkcs10CertificateRequest(csrPem);
      if (!(await csr.verify())) throw new Error("the CSR's signature does not verify");
      const email = options.email ?? csr.subjectName.getField("E")[0] ?? csr.subjectName.getField("CN")[0] ?? "";
      serial += 1;
      const issued = await x509.X509CertificateGenerator.create({
        serialNumber: serial.toString(16).padStart(2, "0"),
        subject: options.email ? `CN=${email}, E=${email}` : csr.subject,
        issuer: root.subject,
        notBefore: options.notBefore ?? new Date(Date.now() - 60_000),
        notAfter: options.notAfter ?? new Date(Date.now() + 365 * DAY_MS),
        signingKey: keys.privateKey,
        publicKey: csr.publicKey,
        signingAlgorithm: ALGORITHM,
        extensions: [
          new x509.SubjectAlternativeNameExtension([{ type: "email", value: email }]),
          ...(options.keyUsage === "none"
            ? [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyEncipherment, true)]
            : [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)]),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.emailProtection]),
        ],
      });
      return issued.toString("pem");
    },
  };
}

type Refusal = { status: number; code: string; message: string };
const refuse = (code: string, message: string, status = 401): Refusal => ({ status, code, message });

/** `revoked`: SHA-256 fingerprints a tenant admin removed from Administration → Security → Certificates. */
export type CertificateSettings = { allowV1: boolean; clockSkewSeconds: number; revoked: string[] };

/** The verdict on one authentication: the account it is for, or why not. */
export function createCertificateChecker(ca: CertificateAuthority) {
  const seen = new Set<string>();
  return function check(
    authorization: string,
    body: Record<string, unknown>,
    settings: CertificateSettings,
  ): { user: NonNullable<ReturnType<typeof userByEmail>> } | Refusal {
    const b64 = /^CACertificate ([A-Za-z0-9+/=]+)$/.exec(authorization)?.[1];
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(Buffer.from(b64 ?? "", "base64"));
    } catch {
      return refuse("FAILURE_BAD_HEADER", "The CACertificate header does not hold a PEM certificate.", 400);
    }
    if (!cert.checkIssued(ca.trusted) || !cert.verify(ca.trusted.publicKey)) {
      return refuse("FAILURE_UNKNOWN_CA", "The certificate was not issued by a CA this tenant trusts.");
    }
    if (settings.revoked.includes(cert.fingerprint256)) {
      return refuse("FAILURE_CERTIFICATE_REVOKED", "This certificate is no longer registered for the tenant.");
    }
    const now = Date.now() + settings.clockSkewSeconds * 1000;
    if (new Date(cert.validTo).getTime() < now || new Date(cert.validFrom).getTime() > now) {
      return refuse("FAILURE_CERTIFICATE_EXPIRED", "The certificate is not valid now.");
    }
    const email = /email:([^,\s]+)/.exec(cert.subjectAltName ?? "")?.[1] ?? "";
    const user = userByEmail(email);
    if (!user) return refuse("FAILURE_UNKNOWN_USER", "No account of this tenant has the certificate's email.");
    const format = body.encodedDataFormat;
    if (format !== "v2" && !(format === undefined && settings.allowV1)) {
      return refuse("FAILURE_PAYLOAD_VERSION", "The v2 payload (encodedDataFormat: v2) is required.");
    }
    const nonce = Buffer.from(String(body.encodedData ?? ""), "base64");
    const signature = Buffer.from(String(body.encodedSignedData ?? ""), "base64");
    if (nonce.length < (format === "v2" ? 8 : 0) + MIN_RANDOM_BYTES) {
      return refuse("FAILURE_BAD_PAYLOAD", "encodedData is shorter than the nonce Anaplan requires.", 400);
    }
    if (format === "v2" && Math.abs(Number(nonce.readBigUInt64BE(0)) - now / 1000) > WINDOW_SECONDS) {
      return refuse("FAILURE_NONCE_EXPIRED", "The nonce's timestamp is more than 5 minutes off.");
    }
    if (!verify("sha512", nonce, cert.publicKey, signature)) {
      return refuse(
        "FAILURE_BAD_SIGNATURE",
        "encodedSignedData is not the certificate key's signature of encodedData.",
      );
    }
    const digest = createHash("sha256").update(nonce).digest("base64");
    if (seen.has(digest)) return refuse("FAILURE_NONCE_REPLAYED", "This nonce was used before.");
    if (seen.size >= REMEMBERED_NONCES) seen.clear();
    seen.add(digest);
    return { user };
  };
}
