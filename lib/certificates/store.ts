// The certificates rows: a key waiting for its certificate, the one in use, the ones retired. A retired row keeps its
// public facts (for the audit trail and the page) and loses its sealed key in the same statement.
import "server-only";
import { randomUUID } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import type { InspectedCertificate } from "./inspect";
import { sealPrivateKey } from "./signer";

type Tx = Prisma.TransactionClient;

/** A key sealed, not yet stored (csr.ts makes one, prepareImportedKey takes one). */
export type PreparedKey = { id: string; privateKey: Uint8Array<ArrayBuffer>; csrPem: string | null };

export async function prepareImportedKey(pkcs8Pem: string): Promise<PreparedKey> {
  const id = randomUUID();
  return { id, privateKey: await sealPrivateKey(id, pkcs8Pem), csrPem: null };
}

const RETIRED = { status: "retired", privateKey: null } as const;

/** Destroys the identities' keys of the given states (all live ones by default): the crypto-shred of a key. */
export async function retireKeys(
  tx: Tx,
  identityIds: string[],
  statuses: ("pending" | "active")[] = ["pending", "active"],
) {
  const { count } = await tx.certificate.updateMany({
    where: { identityId: { in: identityIds }, status: { in: statuses } },
    data: { ...RETIRED, retiredAt: new Date() },
  });
  return count;
}

/** The identity's new key, waiting for its certificate; a key that was waiting before it is destroyed. */
export async function storePendingKey(tx: Tx, identityId: string, key: PreparedKey, email: string) {
  await retireKeys(tx, [identityId], ["pending"]);
  await tx.certificate.create({
    data: { id: key.id, identityId, privateKey: key.privateKey, csrPem: key.csrPem, email },
  });
}

const facts = (c: InspectedCertificate) => ({
  certificatePem: c.certificatePem,
  chainPem: c.chainPem || null,
  email: c.email,
  subject: c.subject,
  issuer: c.issuer,
  fingerprint: c.fingerprint,
  notBefore: c.notBefore,
  notAfter: c.notAfter,
});

/** Puts a key in use for `grantId`, with its checked certificate; the key in use before it is destroyed. */
export async function activateKey(
  tx: Tx,
  identityId: string,
  grantId: string,
  key: { id: string } | (PreparedKey & { imported: true }),
  certificate: InspectedCertificate,
) {
  await retireKeys(tx, [identityId], "imported" in key ? ["active", "pending"] : ["active"]);
  const live = { grantId, status: "active" as const, activatedAt: new Date(), ...facts(certificate) };
  if ("imported" in key) {
    await tx.certificate.create({
      data: { id: key.id, identityId, privateKey: key.privateKey, imported: true, ...live },
    });
  } else {
    const { count } = await tx.certificate.updateMany({ where: { id: key.id, status: "pending" }, data: live });
    if (count === 0) {
      throw new AppError(
        "conflict",
        "The key waiting for this certificate was replaced meanwhile: upload the certificate for the new CSR.",
      );
    }
  }
}

/** The key waiting for a certificate, with its sealed private key (for the match check only). */
export const pendingKeyOf = (identityId: string) =>
  db().certificate.findFirst({ where: { identityId, status: "pending" } });

/** What signs for a grant: its active key and certificate. */
export const activeKeyOf = (grantId: string) =>
  db().certificate.findFirst({
    where: { grantId, status: "active" },
    select: { id: true, privateKey: true, certificatePem: true },
  });

/** The page's view: public facts only, never the sealed key. */
export const certificatesOf = (identityId: string) =>
  db().certificate.findMany({
    where: { identityId, status: { in: ["pending", "active"] } },
    select: {
      id: true,
      status: true,
      imported: true,
      csrPem: true,
      email: true,
      subject: true,
      issuer: true,
      fingerprint: true,
      notBefore: true,
      notAfter: true,
      createdAt: true,
      activatedAt: true,
    },
    orderBy: { createdAt: "asc" },
  });
