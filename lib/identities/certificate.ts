// A certificate identity's key and certificate: request (a key made and sealed here, its CSR offered), upload the
// CA's certificate for it, import a key with its certificate, and test. The private key never leaves the vault
// except into one signature; only the CSR and the certificate's public facts are ever shown.
import "server-only";
import { getCurrentUser } from "@/lib/anaplan";
import { recordAudit } from "@/lib/audit";
import { prepareGeneratedKey } from "@/lib/certificates/csr";
import { type InspectedCertificate, inspectCertificate } from "@/lib/certificates/inspect";
import { pkcs8Pem, readPrivateKey } from "@/lib/certificates/keys";
import { openKey } from "@/lib/certificates/signer";
import {
  activateKey,
  certificatesOf,
  type PreparedKey,
  pendingKeyOf,
  prepareImportedKey,
  storePendingKey,
} from "@/lib/certificates/store";
import type { ServiceIdentity } from "@/lib/generated/prisma/client";
import { getAccessToken } from "@/lib/grants/access-token";
import { createCertificateGrant, renewCertificateGrant } from "@/lib/grants/store";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { type Actor, requireTeam } from "@/lib/teams/access";
import { endpointsOf, grantClientOf } from "./grant-client";
import { getIdentityOrThrow } from "./load";
import type { CertificateImport, CertificateUpload } from "./schemas";

async function certificateIdentity(actor: Actor, teamSlug: string, id: string) {
  const { team } = await requireTeam(actor, teamSlug, "identity.enrol");
  const identity = await getIdentityOrThrow(team.id, id);
  if (identity.kind !== "certificate") {
    throw new AppError("conflict", "This identity uses the device grant; certificates are for certificate identities.");
  }
  return { team, identity };
}

const audited = (actor: Actor, identity: ServiceIdentity) => ({
  actor,
  teamId: identity.teamId,
  targetType: "identity" as const,
  targetId: identity.id,
});

/** A new key pair, sealed at once, and its CSR for the identity's account; returns the CSR (PEM). */
export async function requestCertificate(actor: Actor, teamSlug: string, id: string): Promise<string> {
  const { identity } = await certificateIdentity(actor, teamSlug, id);
  const email = identity.expectedEmail;
  if (!email)
    throw new AppError("conflict", "Give the identity its service account's email first: the CSR carries it.");
  const key = await prepareGeneratedKey(email);
  await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM service_identities WHERE id = ${identity.id}::uuid FOR UPDATE`;
    await storePendingKey(tx, identity.id, key, email);
    await recordAudit(
      { action: "certificate.request", outcome: "success", ...audited(actor, identity), details: { email } },
      tx,
    );
  });
  return key.csrPem ?? "";
}

/** The CA's certificate for the key waiting for one: checked against that key, then put in use. */
export async function uploadCertificate(actor: Actor, teamSlug: string, id: string, fields: CertificateUpload) {
  const { identity } = await certificateIdentity(actor, teamSlug, id);
  const pending = await pendingKeyOf(identity.id);
  if (!pending?.privateKey) {
    throw new AppError("conflict", "There is no key waiting for a certificate: request a CSR first, or import a key.");
  }
  const checked = inspectCertificate(
    fields.certificate,
    await openKey({ id: pending.id, privateKey: pending.privateKey }),
    {
      expectedEmail: identity.expectedEmail,
    },
  );
  return putInUse(actor, identity, { id: pending.id }, checked, "certificate.upload");
}

/** A key and certificate made elsewhere: the key is sealed on arrival and the upload is never stored in the clear. */
export async function importCertificate(actor: Actor, teamSlug: string, id: string, fields: CertificateImport) {
  const { identity } = await certificateIdentity(actor, teamSlug, id);
  const key = readPrivateKey(fields.privateKey, fields.passphrase);
  const checked = inspectCertificate(fields.certificate, key, { expectedEmail: identity.expectedEmail });
  const prepared = await prepareImportedKey(pkcs8Pem(key));
  return putInUse(actor, identity, { ...prepared, imported: true }, checked, "certificate.import");
}

/**
 * In one transaction: the identity's grant (a new one unless a live certificate grant is renewed), the key in use,
 * and the audit row. The key it replaces is destroyed in the same step; the cached token stays (same account).
 */
async function putInUse(
  actor: Actor,
  identity: ServiceIdentity,
  key: { id: string } | (PreparedKey & { imported: true }),
  checked: InspectedCertificate,
  action: "certificate.upload" | "certificate.import",
) {
  await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM service_identities WHERE id = ${identity.id}::uuid FOR UPDATE`;
    const current = await tx.serviceIdentity.findUniqueOrThrow({
      where: { id: identity.id },
      select: { grant: { select: { id: true, status: true, method: true } } },
    });
    const renewing = current.grant && current.grant.status !== "revoked" && current.grant.method === "certificate";
    const grantId = renewing
      ? (current.grant?.id as string)
      : await createCertificateGrant(tx, { authUrl: identity.authUrl, notAfter: checked.notAfter });
    if (renewing) await renewCertificateGrant(tx, grantId, checked.notAfter);
    else await tx.serviceIdentity.update({ where: { id: identity.id }, data: { grantId, revokedAt: null } });
    await activateKey(tx, identity.id, grantId, key, checked);
    await recordAudit(
      {
        action,
        outcome: "success",
        ...audited(actor, identity),
        details: { email: checked.email, notAfter: checked.notAfter.toISOString(), fingerprint: checked.fingerprint },
      },
      tx,
    );
  });
  return checked;
}

/** One authentication now, and who Anaplan says the token belongs to (`/2/0/users/me`). */
export async function testCertificate(actor: Actor, teamSlug: string, id: string) {
  const { identity } = await certificateIdentity(actor, teamSlug, id);
  const grant = identity.grantId
    ? await db().grant.findUnique({ where: { id: identity.grantId }, select: { id: true, status: true } })
    : null;
  const active = grant && (await db().certificate.findFirst({ where: { grantId: grant.id, status: "active" } }));
  if (!grant || grant.status === "revoked" || !active?.notAfter) {
    throw new AppError("conflict", "Upload this identity's certificate before testing it.");
  }
  // The admin pressing Test says a refusal may be fixed (the certificate registered at last): ask Anaplan again.
  await renewCertificateGrant(db(), grant.id, active.notAfter);
  try {
    const token = await getAccessToken(grant.id, grantClientOf(identity), { forceRefresh: true });
    const user = await getCurrentUser(endpointsOf(identity), token.accessToken);
    await db().serviceIdentity.update({
      where: { id: identity.id },
      data: { approvedByAnaplanId: user.id, approvedByEmail: user.email, approvedByCustomerId: user.customerId },
    });
    await recordAudit({
      action: "certificate.test",
      outcome: "success",
      ...audited(actor, identity),
      details: { email: user.email },
    });
    return {
      email: user.email,
      name: `${user.firstName} ${user.lastName}`.trim(),
      matches: user.email === active.email,
    };
  } catch (error) {
    await recordAudit({ action: "certificate.test", outcome: "failure", ...audited(actor, identity) });
    throw error;
  }
}

/** The identity page's certificates: the one in use and one waiting for its certificate, public facts only. */
export async function identityCertificates(actor: Actor, teamSlug: string, id: string) {
  const { team } = await requireTeam(actor, teamSlug, "identity.view");
  const identity = await getIdentityOrThrow(team.id, id);
  return identity.kind === "certificate" ? certificatesOf(identity.id) : [];
}
