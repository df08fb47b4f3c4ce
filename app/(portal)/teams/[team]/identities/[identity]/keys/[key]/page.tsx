import type { Metadata } from "next";
import { BackLink, PageTitle } from "@/components/ui";
import { keyForPolicy, policyChoices } from "@/lib/gateway/policies";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf } from "@/lib/teams/access";
import { setKeyPolicyAction } from "../../../actions";
import { PolicyForm } from "./policy-form";

export const metadata: Metadata = { title: "Key limits" };

type Props = {
  params: Promise<{ team: string; identity: string; key: string }>;
  searchParams: Promise<{ model?: string | string[] }>;
};

export default async function KeyPolicyPage({ params, searchParams }: Props) {
  const { team: slug, identity: identityId, key: keyId } = await params;
  const { model } = await searchParams;
  const actor = actorOf(await requireUser());
  const { identity, key } = await orNotFound(keyForPolicy(actor, slug, identityId, keyId));
  const choices = await policyChoices(actor, slug, identity.id, typeof model === "string" ? model : undefined);
  const here = `/teams/${slug}/identities/${identity.id}`;
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-6 px-6 py-12">
      <div>
        <BackLink href={`${here}#api-keys`}>{identity.name}</BackLink>
        <PageTitle>
          Limits of key “{key.name}” <span className="font-mono text-base text-slate-600">{key.prefix}_…</span>
        </PageTitle>
        <p className="mt-2 max-w-3xl text-sm text-slate-600">
          Anaplan tokens carry every right of their account. A restricted key never gets one: its script calls Anaplan
          through the portal&apos;s gateway (<code>/api/v1/anaplan/2/0/…</code>), which refuses anything outside these
          limits before Anaplan sees it, and records every call.
        </p>
      </div>
      <PolicyForm
        action={setKeyPolicyAction.bind(null, slug, identity.id, key.id)}
        policy={key.policy}
        choices={choices}
        inspectBase={`${here}/keys/${key.id}?model=`}
      />
    </main>
  );
}
