import { Snippets } from "@/components/snippets";
import { BackLink, PageTitle } from "@/components/ui";
import type { AnaplanModel } from "@/lib/anaplan/integration";
import { type HolderKind, limitsHolder, policyChoices } from "@/lib/gateway/policies";
import type { AccessPolicy } from "@/lib/gateway/policy";
import { gatewaySnippets } from "@/lib/gateway/snippets";
import { portalUrl } from "@/lib/platform/env";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { type Actor, actorOf } from "@/lib/teams/access";
import { setKeyPolicyAction, setWorkloadLimitsAction } from "../actions";
import { PolicyForm } from "./policy-form";

const WHAT = {
  key: { title: "key", action: setKeyPolicyAction, path: "keys", back: "api-keys" },
  workload: {
    title: "trusted workload",
    action: setWorkloadLimitsAction,
    path: "workloads",
    back: "trusted-workloads",
  },
} as const;

/** The model the examples call: the first the limits name, as the lists show it (with its workspace). */
function modelOf(policy: AccessPolicy | null, choices: { ok: boolean; models?: AnaplanModel[] }) {
  const models = choices.ok ? (choices.models ?? []) : [];
  const chosen = models.find((m) => policy?.models.includes(m.id)) ?? models[0];
  return chosen ? { id: chosen.id, workspaceId: chosen.workspaceId } : null;
}

/** The gateway limits of a key or a trusted workload: what its calls may touch, chosen from Anaplan's own lists. */
export async function LimitsPage(props: {
  actor: Actor;
  slug: string;
  identityId: string;
  kind: HolderKind;
  holderId: string;
  model: string | undefined;
}) {
  const { identity, holder } = await limitsHolder(
    props.actor,
    props.slug,
    props.identityId,
    props.kind,
    props.holderId,
  );
  const choices = await policyChoices(props.actor, props.slug, identity.id, props.model);
  const here = `/teams/${props.slug}/identities/${identity.id}`;
  const what = WHAT[props.kind];
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-6 px-6 py-12">
      <div>
        <BackLink href={`${here}#${what.back}`}>{identity.name}</BackLink>
        <PageTitle>
          Limits of {what.title} “{holder.name}”{" "}
          <span className="font-mono text-base text-slate-600">{holder.label}</span>
        </PageTitle>
        <p className="mt-2 max-w-3xl text-sm text-slate-600">
          Anaplan tokens carry every right of their account. A restricted {what.title} never gets one: its script calls
          Anaplan through the portal&apos;s gateway (<code>/api/v1/anaplan/2/0/…</code>), which refuses anything outside
          these limits before Anaplan sees it, and records every call.
        </p>
      </div>
      <PolicyForm
        action={what.action.bind(null, props.slug, identity.id, holder.id)}
        kind={props.kind}
        policy={holder.policy}
        choices={choices}
        inspectBase={`${here}/${what.path}/${holder.id}?model=`}
      />
      <Snippets
        title="Call Anaplan through the gateway"
        snippets={gatewaySnippets({
          portalUrl: portalUrl(),
          identity: `${props.slug}/${identity.name}`,
          model: modelOf(holder.policy, choices),
          kind: props.kind,
        })}
      />
    </main>
  );
}

type RouteProps = {
  params: Promise<{ team: string; identity: string; holder: string }>;
  searchParams: Promise<{ model?: string | string[] }>;
};

/** The route of a kind's limits page (`keys/[holder]`, `workloads/[holder]`): `?model=` lists that model's objects. */
export const limitsRoute = (kind: HolderKind) =>
  async function LimitsRoute({ params, searchParams }: RouteProps) {
    const { team, identity, holder } = await params;
    const { model } = await searchParams;
    const actor = actorOf(await requireUser());
    const chosen = typeof model === "string" ? model : undefined;
    return orNotFound(LimitsPage({ actor, slug: team, identityId: identity, kind, holderId: holder, model: chosen }));
  };
