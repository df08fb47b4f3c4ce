"use server";
import { createApiKey, keyFields, revokeApiKey } from "@/lib/broker/keys";
import { cancelEnrolment } from "@/lib/enrolments/cancel";
import { resolveMismatch } from "@/lib/enrolments/complete";
import { startEnrolment } from "@/lib/enrolments/start";
import { policyForm, setLimits } from "@/lib/gateway/policies";
import {
  importCertificate,
  requestCertificate,
  testCertificate,
  uploadCertificate,
} from "@/lib/identities/certificate";
import {
  deleteIdentity,
  describeRevocation,
  revokeAllInTeam,
  revokeIdentityTokens,
  setAllActiveInTeam,
  setIdentityActive,
} from "@/lib/identities/lifecycle";
import { createIdentity, updateIdentity } from "@/lib/identities/manage";
import { certificateImport, certificateUpload, confirmFields, identityFields } from "@/lib/identities/schemas";
import { arg } from "@/lib/platform/validation";
import { defineAction } from "@/lib/server/actions";
import { addPolicy, removePolicy } from "@/lib/workloads/policies";
import { policyFields } from "@/lib/workloads/schemas";

const list = (slug: string) => `/teams/${slug}/identities`;
const page = (slug: string, id: string) => `/teams/${slug}/identities/${id}`;

export const createIdentityAction = defineAction(
  { name: "identity.create", args: [arg.slug], form: identityFields },
  async (actor, [slug], fields) => {
    const identity = await createIdentity(actor, slug, fields);
    return { message: "Created.", redirectTo: page(slug, identity.id) };
  },
);

export const updateIdentityAction = defineAction(
  { name: "identity.update", args: [arg.slug, arg.id], form: identityFields },
  async (actor, [slug, id], fields) => {
    await updateIdentity(actor, slug, id, fields);
    return { message: "Saved.", redirectTo: page(slug, id) };
  },
);

export const startEnrolmentAction = defineAction(
  { name: "enrolment.start", args: [arg.slug, arg.id] },
  async (actor, [slug, id]) => {
    const enrolmentId = await startEnrolment(actor, slug, id);
    return { message: "Started.", redirectTo: `/teams/${slug}/enrolments/${enrolmentId}` };
  },
);

export const cancelEnrolmentAction = defineAction(
  { name: "enrolment.cancel", args: [arg.slug, arg.id], revalidate: (slug) => [list(slug)] },
  async (actor, [slug, enrolmentId]) => {
    await cancelEnrolment(actor, slug, enrolmentId);
    return "Enrolment cancelled. The code can no longer be used here; nothing was stored.";
  },
);

export const resolveMismatchAction = defineAction(
  { name: "enrolment.resolve_mismatch", args: [arg.slug, arg.id, arg.flag], revalidate: (slug) => [list(slug)] },
  async (actor, [slug, enrolmentId, keep]) => {
    await resolveMismatch(actor, slug, enrolmentId, keep);
    return keep ? "The new token is now in use." : "The token was discarded.";
  },
);

export const setIdentityActiveAction = defineAction(
  {
    name: "identity.set_active",
    args: [arg.slug, arg.id, arg.flag],
    revalidate: (slug, id) => [page(slug, id), list(slug)],
  },
  async (actor, [slug, id, active]) => {
    await setIdentityActive(actor, slug, id, active);
    return active
      ? "Reactivated: API keys work again."
      : "Deactivated: API keys are refused until it is reactivated; the token is kept alive meanwhile.";
  },
);

export const revokeIdentityAction = defineAction(
  { name: "identity.revoke", args: [arg.slug, arg.id], revalidate: (slug, id) => [page(slug, id), list(slug)] },
  async (actor, [slug, id]) => describeRevocation(await revokeIdentityTokens(actor, slug, id)),
);

export const deleteIdentityAction = defineAction(
  { name: "identity.delete", args: [arg.slug, arg.id] },
  async (actor, [slug, id]) => {
    const name = await deleteIdentity(actor, slug, id);
    return { message: `Deleted ${name}.`, redirectTo: `${list(slug)}?deleted=1` };
  },
);

export const createApiKeyAction = defineAction(
  { name: "key.create", args: [arg.slug, arg.id], form: keyFields, revalidate: (slug, id) => [page(slug, id)] },
  async (actor, [slug, id], fields) => {
    const created = await createApiKey(actor, slug, id, fields);
    return {
      message: "Key created. Copy it now: it is shown only once.",
      data: { key: created.key, prefix: created.prefix },
    };
  },
);

export const revokeApiKeyAction = defineAction(
  { name: "key.revoke", args: [arg.slug, arg.id, arg.id], revalidate: (slug, id) => [page(slug, id)] },
  async (actor, [slug, identityId, keyId]) => `Key ${await revokeApiKey(actor, slug, identityId, keyId)}… revoked.`,
);

const limitsSaved = ({ label, restricted }: { label: string; restricted: boolean }) =>
  restricted
    ? `${label} is restricted: it works only through the gateway, within these limits.`
    : `${label} is unrestricted again: it gets Anaplan tokens.`;

export const setKeyPolicyAction = defineAction(
  {
    name: "key.policy",
    args: [arg.slug, arg.id, arg.id],
    form: policyForm,
    revalidate: (slug, id, keyId) => [page(slug, id), `${page(slug, id)}/keys/${keyId}`],
  },
  async (actor, [slug, identityId, keyId], policy) =>
    limitsSaved(await setLimits(actor, slug, identityId, "key", keyId, policy)),
);

export const setWorkloadLimitsAction = defineAction(
  {
    name: "workload.limits",
    args: [arg.slug, arg.id, arg.id],
    form: policyForm,
    revalidate: (slug, id, policyId) => [page(slug, id), `${page(slug, id)}/workloads/${policyId}`],
  },
  async (actor, [slug, identityId, policyId], policy) =>
    limitsSaved(await setLimits(actor, slug, identityId, "workload", policyId, policy)),
);

export const deactivateAllAction = defineAction(
  { name: "team.deactivate_all", args: [arg.slug], form: confirmFields, revalidate: (slug) => [list(slug)] },
  async (actor, [slug], { confirm }) => {
    const count = await setAllActiveInTeam(actor, slug, confirm, false);
    return `Deactivated ${count} ${count === 1 ? "identity" : "identities"}. Their API keys are refused until reactivated.`;
  },
);

export const reactivateAllAction = defineAction(
  { name: "team.reactivate_all", args: [arg.slug], form: confirmFields, revalidate: (slug) => [list(slug)] },
  async (actor, [slug], { confirm }) => {
    const count = await setAllActiveInTeam(actor, slug, confirm, true);
    return `Reactivated ${count} ${count === 1 ? "identity" : "identities"}. Their API keys work again.`;
  },
);

export const revokeAllAction = defineAction(
  { name: "team.revoke_all", args: [arg.slug], form: confirmFields, revalidate: (slug) => [list(slug)] },
  async (actor, [slug], { confirm }) => describeRevocation(await revokeAllInTeam(actor, slug, confirm)),
);

export const requestCertificateAction = defineAction(
  { name: "certificate.request", args: [arg.slug, arg.id], revalidate: (slug, id) => [page(slug, id)] },
  async (actor, [slug, id]) => {
    await requestCertificate(actor, slug, id);
    return "A new key was made and sealed. Have your CA sign its CSR, then upload the certificate.";
  },
);

const inUse = (c: { email: string; notAfter: Date }) =>
  `Certificate for ${c.email} in use until ${c.notAfter.toISOString().slice(0, 10)}. Press Test once a tenant admin has registered it.`;

export const uploadCertificateAction = defineAction(
  {
    name: "certificate.upload",
    args: [arg.slug, arg.id],
    form: certificateUpload,
    revalidate: (slug, id) => [page(slug, id), list(slug)],
  },
  async (actor, [slug, id], fields) => inUse(await uploadCertificate(actor, slug, id, fields)),
);

export const importCertificateAction = defineAction(
  {
    name: "certificate.import",
    args: [arg.slug, arg.id],
    form: certificateImport,
    secret: ["privateKey", "passphrase"],
    revalidate: (slug, id) => [page(slug, id), list(slug)],
  },
  async (actor, [slug, id], fields) => inUse(await importCertificate(actor, slug, id, fields)),
);

export const testCertificateAction = defineAction(
  { name: "certificate.test", args: [arg.slug, arg.id], revalidate: (slug, id) => [page(slug, id), list(slug)] },
  async (actor, [slug, id]) => {
    const who = await testCertificate(actor, slug, id);
    return who.matches
      ? `Anaplan accepted the certificate: the token belongs to ${who.name} (${who.email}).`
      : `Anaplan accepted the certificate, but the token belongs to ${who.email}, not the certificate's account.`;
  },
);

export const addWorkloadAction = defineAction(
  { name: "workload.trust", args: [arg.slug, arg.id], form: policyFields, revalidate: (slug, id) => [page(slug, id)] },
  async (actor, [slug, id], fields) => {
    const policy = await addPolicy(actor, slug, id, fields);
    return `Trusted: jobs whose ${policy.issuer} token meets the conditions can now get this identity's token.`;
  },
);

export const removeWorkloadAction = defineAction(
  { name: "workload.untrust", args: [arg.slug, arg.id, arg.id], revalidate: (slug, id) => [page(slug, id)] },
  async (actor, [slug, identityId, policyId]) =>
    `No longer trusted: ${await removePolicy(actor, slug, identityId, policyId)}.`,
);
