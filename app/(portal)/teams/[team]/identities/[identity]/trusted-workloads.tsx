import { ConfirmAction } from "@/components/confirm-action";
import { Snippets } from "@/components/snippets";
import { When } from "@/components/when";
import type { listPolicies } from "@/lib/workloads/policies";
import { PRESETS, type Preset } from "@/lib/workloads/presets";
import type { Condition } from "@/lib/workloads/schemas";
import { workloadSnippets } from "@/lib/workloads/snippets";
import { addWorkloadAction, removeWorkloadAction } from "../actions";
import { GatewayAccess } from "./gateway-access";
import { Section } from "./section";
import { WorkloadForm } from "./workload-form";

type Policies = Awaited<ReturnType<typeof listPolicies>>;

const EXAMPLES: Record<Preset, string> = {
  github: "repository=acme/etl\nref=refs/heads/main",
  gitlab: "project_path=acme/etl\nref_protected=true",
  kubernetes: "namespace=etl\nserviceaccount=runner",
  oidc: "sub=etl-runner",
};

/** Keyless access: the workloads this identity trusts, their recipes, and a form to trust another. */
export function TrustedWorkloads(props: {
  slug: string;
  teamSlug: string;
  identity: { id: string; name: string; apiUrl: string };
  policies: Policies;
  portalUrl: string;
  defaultAudience: string;
  canManage: boolean;
}) {
  const { slug, identity } = props;
  const presets = (Object.keys(PRESETS) as Preset[]).map((value) => ({
    value,
    label: PRESETS[value].label,
    issuer: PRESETS[value].issuer,
    claims: Object.keys(PRESETS[value].claims),
    example: EXAMPLES[value],
  }));
  return (
    <Section title="Trusted workloads (keyless)" id="workloads">
      <p className="text-sm text-slate-600">
        A job on GitHub Actions, GitLab CI or Kubernetes can get this identity's token with its platform's own signed
        job token: no API key to store or rotate. A policy trusts only tokens from its issuer, for its audience, whose
        claims meet every condition; anything else gets one answer (invalid_token) and the audit trail says why.
      </p>
      {props.policies.length === 0 ? (
        <p className="rounded-md bg-slate-50 p-3 text-sm text-slate-700">No workload is trusted yet.</p>
      ) : (
        <ul aria-label="Trusted workloads" className="flex flex-col gap-3">
          {props.policies.map((p) => (
            <PolicyItem key={p.id} policy={p} slug={slug} identityId={identity.id} canManage={props.canManage} />
          ))}
        </ul>
      )}
      {props.policies.length > 0 ? (
        <Snippets
          title="Use it from a job (no stored secret)"
          snippets={workloadSnippets({
            portalUrl: props.portalUrl,
            apiUrl: identity.apiUrl,
            identity: `${props.teamSlug}/${identity.name}`,
            audience: props.policies[0]?.audience ?? props.defaultAudience,
          })}
        />
      ) : null}
      {props.canManage ? (
        <WorkloadForm
          action={addWorkloadAction.bind(null, slug, identity.id)}
          presets={presets}
          defaultAudience={props.defaultAudience}
        />
      ) : null}
    </Section>
  );
}

function PolicyItem({
  policy: p,
  slug,
  identityId,
  canManage,
}: {
  policy: Policies[number];
  slug: string;
  identityId: string;
  canManage: boolean;
}) {
  return (
    <li className="flex flex-col gap-2 rounded-md p-3 ring-1 ring-slate-200">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-sm font-semibold text-slate-900">
          {p.name}{" "}
          <span className="font-normal text-slate-500">· {PRESETS[p.preset as Preset]?.label ?? p.preset}</span>
        </p>
        <p className="text-xs text-slate-500">
          Last used: <When at={p.lastUsedAt} />
        </p>
      </div>
      <p className="break-all font-mono text-xs text-slate-700">
        iss = {p.issuer} · aud = {p.audience}
        {(p.conditions as Condition[]).map((c) => ` · ${c.claim} = ${c.pattern}`).join("")}
        {p.oneTimeJti ? " · each token once" : ""}
        {p.jwks ? " · pasted JWKS" : ""}
      </p>
      <div className="text-sm text-slate-700">
        <GatewayAccess
          policy={p.accessPolicy}
          name={`workload ${p.name}`}
          limitsHref={canManage ? `/teams/${slug}/identities/${identityId}/workloads/${p.id}` : null}
        />
      </div>
      {canManage ? (
        <ConfirmAction
          action={removeWorkloadAction.bind(null, slug, identityId, p.id)}
          label="Stop trusting…"
          confirmLabel="Stop trusting"
          pendingLabel="Removing…"
        >
          <strong>Stop trusting “{p.name}”.</strong> Its jobs' tokens are refused from the next call; tokens already
          handed out live until they expire.
        </ConfirmAction>
      ) : null}
    </li>
  );
}
