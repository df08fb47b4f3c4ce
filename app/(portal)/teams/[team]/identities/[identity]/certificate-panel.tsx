import type { ReactNode } from "react";
import { ActionButton } from "@/components/action-button";
import { CopyButton } from "@/components/copy-button";
import { ExpiryWarning } from "@/components/expiry-warning";
import { When } from "@/components/when";
import type { identityCertificates } from "@/lib/identities/certificate";
import { expiryWarning, warningDaysFor } from "@/lib/identities/warnings";
import {
  importCertificateAction,
  requestCertificateAction,
  testCertificateAction,
  uploadCertificateAction,
} from "../actions";
import { ImportCertificateForm, UploadCertificateForm } from "./certificate-forms";
import { Section } from "./section";

type Certificates = Awaited<ReturnType<typeof identityCertificates>>;
type Certificate = Certificates[number];

/** A certificate identity's key and certificate: what is in use, what waits for its certificate, and the ways in. */
export function CertificatePanel(props: {
  /** Who Anaplan said the token belongs to at the last Test; null before the first. */
  testedAs: string | null;
  slug: string;
  identityId: string;
  name: string;
  certificates: Certificates;
  canManage: boolean;
}) {
  const active = props.certificates.find((c) => c.status === "active");
  const pending = props.certificates.find((c) => c.status === "pending");
  const { slug, identityId: id } = props;
  return (
    <Section title="Certificate" id="certificate">
      <p className="text-sm text-slate-600">
        This identity signs in to Anaplan with a CA certificate: it works for SSO accounts, needs no exception user and
        no password that expires. The portal holds the private key and signs each login itself; nobody, not even a
        portal admin, can see or download the key.
      </p>
      {active ? <InUse certificate={active} /> : null}
      {active && !props.testedAs ? (
        <p className="rounded-md bg-sky-50 p-3 text-sm text-sky-950 ring-1 ring-sky-200">
          In use, not tested yet. Once a tenant admin has registered this certificate (Administration → Security →
          Certificates), press Test: the portal signs in once and shows whose token Anaplan gave.
        </p>
      ) : null}
      {!active && !pending ? (
        <p className="rounded-md bg-slate-50 p-3 text-sm text-slate-700">
          No key yet. Make one here (recommended) and have your company's CA sign its request, or import a key and
          certificate you already have.
        </p>
      ) : null}
      {props.canManage ? (
        <div className="flex flex-wrap gap-3">
          {active ? (
            <ActionButton
              key={active.id}
              action={testCertificateAction.bind(null, slug, id)}
              label="Test"
              pendingLabel="Signing in to Anaplan…"
            />
          ) : null}
          {/* Keyed by the waiting key, so its message goes once that key's certificate is uploaded. */}
          <ActionButton
            key={pending?.id ?? "none"}
            action={requestCertificateAction.bind(null, slug, id)}
            label={
              active ? "Renew: make a new key and CSR" : pending ? "Make another key and CSR" : "Make a key and CSR"
            }
            pendingLabel="Making an RSA-3072 key…"
            tone={active || pending ? "secondary" : "primary"}
          />
        </div>
      ) : null}
      {pending?.csrPem ? <Waiting csr={pending.csrPem} name={props.name} active={Boolean(active)} /> : null}
      {pending && props.canManage ? (
        <UploadCertificateForm action={uploadCertificateAction.bind(null, slug, id)} />
      ) : null}
      {props.canManage ? (
        <details className="rounded-md ring-1 ring-slate-200">
          <summary className="cursor-pointer px-4 py-3 text-sm font-medium text-slate-900">
            Import a key and certificate made elsewhere
          </summary>
          <div className="px-4 pb-4">
            <ImportCertificateForm action={importCertificateAction.bind(null, slug, id)} />
          </div>
        </details>
      ) : null}
    </Section>
  );
}

function InUse({ certificate: c }: { certificate: Certificate }) {
  const rows: [string, ReactNode][] = [
    ["Account", c.email ?? "—"],
    ["Subject", c.subject ?? "—"],
    ["Issued by", c.issuer ?? "—"],
    [
      "Valid",
      <span key="v">
        <When at={c.notBefore} exact /> to <When at={c.notAfter} exact />
        <ExpiryWarning warning={expiryWarning(c.notAfter, new Date(), warningDaysFor("certificate"))} />
      </span>,
    ],
    [
      "SHA-256 fingerprint",
      <span key="f" className="font-mono text-xs">
        {c.fingerprint}
      </span>,
    ],
    ["Key", c.imported ? "Imported, sealed in the vault" : "Made by the portal (RSA-3072), sealed in the vault"],
  ];
  return (
    <dl aria-label="Certificate in use" className="divide-y divide-slate-100 rounded-md ring-1 ring-slate-200 px-4">
      {rows.map(([label, value]) => (
        <div key={label} className="grid gap-1 py-2 sm:grid-cols-3 sm:gap-4">
          <dt className="text-sm font-medium text-slate-500">{label}</dt>
          <dd className="break-all text-sm text-slate-900 sm:col-span-2">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Waiting({ csr, name, active }: { csr: string; name: string; active: boolean }) {
  const file = `${name.replace(/[^A-Za-z0-9._-]+/g, "-")}.csr`;
  return (
    <div className="flex flex-col gap-3 rounded-md bg-amber-50 p-4 ring-1 ring-amber-200">
      <p className="text-sm text-amber-950">
        <strong>Waiting for its certificate.</strong> Have your company's CA sign this request (an S/MIME client
        certificate), upload the certificate below, and ask a tenant admin to register it in Administration → Security →
        Certificates.{active ? " The key in use keeps working until then." : ""}
      </p>
      <textarea
        readOnly
        aria-label="Certificate signing request (PEM)"
        rows={6}
        value={csr}
        className="w-full rounded-md bg-white p-2 font-mono text-xs ring-1 ring-amber-200"
      />
      <div className="flex flex-wrap gap-3">
        <CopyButton value={csr} label="Copy CSR" />
        <a
          href={`data:application/pkcs10;charset=utf-8,${encodeURIComponent(csr)}`}
          download={file}
          className="rounded-md px-3 py-1.5 text-sm font-medium text-brand-700 ring-1 ring-brand-600 hover:bg-brand-50"
        >
          Download CSR
        </a>
      </div>
    </div>
  );
}
