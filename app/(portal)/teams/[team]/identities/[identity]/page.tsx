import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { ActionButton } from "@/components/action-button";
import { Snippets } from "@/components/snippets";
import { Sparkline } from "@/components/sparkline";
import { StateBadge } from "@/components/state-badge";
import { ButtonLink, CARD_FRAME, PageTitle } from "@/components/ui";
import { When } from "@/components/when";
import { listApiKeys } from "@/lib/broker/keys";
import { brokerSnippets } from "@/lib/broker/snippets";
import { identityCertificates } from "@/lib/identities/certificate";
import { getIdentity } from "@/lib/identities/manage";
import { usageOf } from "@/lib/identities/usage";
import { can } from "@/lib/permissions";
import { portalUrl } from "@/lib/platform/env";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf } from "@/lib/teams/access";
import { defaultAudience, listPolicies } from "@/lib/workloads/policies";
import { cancelEnrolmentAction, createApiKeyAction, startEnrolmentAction } from "../actions";
import { ApiKeyList } from "./api-keys";
import { CertificatePanel } from "./certificate-panel";
import { CreateKeyForm } from "./create-key-form";
import { Lifecycle } from "./lifecycle";
import { lifetimeText, RefreshTokenEnd } from "./refresh-token-end";
import { Section } from "./section";
import { TrustedWorkloads } from "./trusted-workloads";

export const metadata: Metadata = { title: "Service identity" };

const OUTLINE_LINK =
  "rounded-md px-4 py-2 text-sm font-semibold text-brand-700 ring-1 ring-brand-600 hover:bg-brand-50";

type Props = { params: Promise<{ team: string; identity: string }> };

type View = Awaited<ReturnType<typeof getIdentity>>;
type Identity = View["identity"];
type Keys = Awaited<ReturnType<typeof listApiKeys>>;

export default async function IdentityPage({ params }: Props) {
  const { team: slug, identity: id } = await params;
  const actor = actorOf(await requireUser());
  const { team, role, identity } = await orNotFound(getIdentity(actor, slug, id));
  const [keys, usage, certificates, policies] = await Promise.all([
    listApiKeys(actor, slug, identity.id),
    usageOf(identity.id),
    identityCertificates(actor, slug, identity.id),
    listPolicies(actor, slug, identity.id),
  ]);
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-12">
      <Header slug={slug} teamName={team.name} identity={identity} />
      <Facts identity={identity} />
      <Actions slug={slug} role={role} identity={identity} />
      {identity.kind === "certificate" ? (
        <CertificatePanel
          testedAs={identity.approvedByEmail}
          slug={slug}
          identityId={identity.id}
          name={identity.name}
          certificates={certificates}
          canManage={can(role, "identity.enrol")}
        />
      ) : null}
      <Usage usage={usage} />
      <ApiKeys slug={slug} role={role} identity={identity} keys={keys} />
      <TrustedWorkloads
        slug={slug}
        teamSlug={team.slug}
        identity={identity}
        policies={policies}
        portalUrl={portalUrl()}
        defaultAudience={defaultAudience()}
        canManage={can(role, "workload.manage")}
      />
      {can(role, "identity.deactivate") || can(role, "identity.revoke") ? (
        <Lifecycle slug={slug} identity={identity} keys={keys} />
      ) : null}
    </main>
  );
}

function Header({ slug, teamName, identity }: { slug: string; teamName: string; identity: Identity }) {
  const certificate = identity.kind === "certificate";
  return (
    <div>
      <Link href={`/teams/${slug}/identities`} className="text-sm text-brand-700 hover:underline">
        ← {teamName}: identities
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <PageTitle className="break-all">{identity.name}</PageTitle>
        <StateBadge state={identity.state} />
      </div>
      {identity.state === "needs_attention" && identity.grant?.statusReason ? (
        <p role="alert" className="mt-2 text-sm text-amber-900">
          {identity.grant.statusReason}
          {certificate ? "" : " Enrol it again to restore service."}
        </p>
      ) : null}
      {identity.state === "revoked" ? (
        <p className="mt-2 text-sm text-red-900">
          {certificate
            ? "Its token and private key were destroyed and its API keys revoked. Make a new key and CSR to bring it back."
            : "Its tokens were destroyed and its API keys revoked. Enrol it again to bring it back."}
        </p>
      ) : null}
      {identity.state === "deactivated" ? (
        <p className="mt-2 text-sm text-slate-700">
          Paused: API keys are refused. The token is kept and kept alive, so Reactivate restores service at once.
        </p>
      ) : null}
    </div>
  );
}

function Facts({ identity }: { identity: Identity }) {
  const rows: [string, ReactNode][] =
    identity.kind === "certificate" ? certificateFacts(identity) : deviceGrantFacts(identity);
  return (
    <dl className={`divide-y divide-slate-100 px-6 py-2 ${CARD_FRAME}`}>
      {rows.map(([label, value]) => (
        <div key={label} className="grid grid-cols-3 gap-4 py-2.5">
          <dt className="text-sm font-medium text-slate-500">{label}</dt>
          <dd className="col-span-2 break-all text-sm text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function certificateFacts(identity: Identity): [string, ReactNode][] {
  return [
    ["Description", identity.description || "—"],
    ["Signs in with", `CA certificate (payload ${identity.certificateFormat})`],
    ["Service account", identity.expectedEmail ?? "—"],
    ["Tested as", identity.approvedByEmail ?? "not tested yet"],
    ["Auth host", identity.authUrl],
    ["API host", identity.apiUrl],
    ["Last signed in", <When key="r" at={identity.grant?.lastRefreshAt} />],
    ["Last used", <When key="u" at={identity.lastUsedAt} />],
    ["Certificate expires", <When key="e" at={identity.grant?.refreshTokenExpiresAt} exact />],
  ];
}

function deviceGrantFacts(identity: Identity): [string, ReactNode][] {
  return [
    ["Description", identity.description || "—"],
    ["Signs in with", "Device grant"],
    ["Approved by", identity.approvedByEmail ?? "—"],
    ["Expected service account", identity.expectedEmail ?? "any"],
    ["Device-grant client id", identity.deviceClientId],
    ["OAuth host", identity.oauthUrl],
    ["API host", identity.apiUrl],
    [
      "Refresh tokens",
      identity.rotatable
        ? `Rotatable${identity.refreshTokenTtlSeconds ? `, TTL ${identity.refreshTokenTtlSeconds} s` : ""}`
        : "Non-Rotatable",
    ],
    ["Last refreshed", <When key="r" at={identity.grant?.lastRefreshAt} />],
    ["Last used", <When key="u" at={identity.lastUsedAt} />],
    ["Refresh-token lifetime", lifetimeText(identity)],
    ["Refresh token expires", <RefreshTokenEnd key="e" expiry={identity.refreshTokenExpiry} />],
  ];
}

function Actions({ slug, role, identity }: { slug: string; role: View["role"]; identity: Identity }) {
  const paused = identity.state === "deactivated";
  return (
    <div className="flex flex-wrap items-center gap-4">
      {can(role, "identity.edit") ? (
        <Link href={`/teams/${slug}/identities/${identity.id}/edit`} className={OUTLINE_LINK}>
          Edit
        </Link>
      ) : null}
      {can(role, "audit.view") ? (
        <Link href={`/teams/${slug}/audit?identity=${identity.id}`} className={OUTLINE_LINK}>
          History
        </Link>
      ) : null}
      <Link href={`/teams/${slug}/identities/${identity.id}/activity`} className={OUTLINE_LINK}>
        Gateway activity
      </Link>
      {can(role, "identity.enrol") && !paused && identity.kind === "device_grant" ? (
        identity.pendingEnrolmentId ? (
          <>
            <ButtonLink href={`/teams/${slug}/enrolments/${identity.pendingEnrolmentId}`}>
              Continue enrolment
            </ButtonLink>
            <ActionButton
              action={cancelEnrolmentAction.bind(null, slug, identity.pendingEnrolmentId)}
              label="Cancel enrolment"
              pendingLabel="Cancelling…"
              tone="secondary"
            />
          </>
        ) : (
          <ActionButton
            action={startEnrolmentAction.bind(null, slug, identity.id)}
            label={identity.state === "not_enrolled" || identity.state === "revoked" ? "Enrol" : "Re-enrol"}
            pendingLabel="Requesting a code from Anaplan…"
          />
        )
      ) : null}
    </div>
  );
}

function Usage({ usage }: { usage: number[] }) {
  const weekTotal = usage.reduce((a, b) => a + b, 0);
  return (
    <Section title="Usage" id="usage">
      <p className="text-sm text-slate-600">
        {weekTotal === 0
          ? "No script asked for a token or called the gateway in the last 7 days."
          : `${weekTotal} request${weekTotal === 1 ? "" : "s"} (tokens and gateway calls) in the last 7 days, per hour:`}
      </p>
      {weekTotal > 0 ? (
        <Sparkline series={usage} label={`${weekTotal} requests in the last 7 days, hour by hour`} />
      ) : null}
    </Section>
  );
}

function ApiKeys({ slug, role, identity, keys }: { slug: string; role: View["role"]; identity: Identity; keys: Keys }) {
  return (
    <Section title="API keys" id="api-keys">
      <p className="text-sm text-slate-600">
        A script sends its key to the portal and gets a short-lived Anaplan access token back; it never sees the refresh
        token. Give each script or host its own key, so one can be revoked without stopping the others. Restrict a key
        to the gateway to limit what it may touch: it then never holds a token, and every call is recorded.
      </p>
      {can(role, "key.manage") ? (
        <CreateKeyForm
          action={createApiKeyAction.bind(null, slug, identity.id)}
          portalUrl={portalUrl()}
          apiUrl={identity.apiUrl}
          identityName={identity.name}
        />
      ) : null}
      <ApiKeyList
        slug={slug}
        identityId={identity.id}
        keys={keys}
        canManage={can(role, "key.manage")}
        paused={identity.state === "deactivated"}
      />
      <Snippets
        snippets={brokerSnippets({ portalUrl: portalUrl(), apiUrl: identity.apiUrl, identityName: identity.name })}
      />
    </Section>
  );
}
