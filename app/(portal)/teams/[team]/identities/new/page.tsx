import type { Metadata } from "next";
import { Eyebrow, PageTitle } from "@/components/ui";
import { newIdentityFormValues } from "@/lib/identities/form-values";
import { regionChoices } from "@/lib/identities/regions";
import { env } from "@/lib/platform/env";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf, requireTeam } from "@/lib/teams/access";
import { createIdentityAction } from "../actions";
import { IdentityForm } from "../identity-form";

export const metadata: Metadata = { title: "New identity" };

type Props = { params: Promise<{ team: string }> };

export default async function NewIdentityPage({ params }: Props) {
  const { team: slug } = await params;
  const session = await requireUser();
  const { team } = await orNotFound(requireTeam(actorOf(session), slug, "identity.create"));
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-12">
      <div>
        <Eyebrow>{team.name}</Eyebrow>
        <PageTitle>New service identity</PageTitle>
      </div>
      <IdentityForm
        action={createIdentityAction.bind(null, slug)}
        regions={regionChoices()}
        initial={newIdentityFormValues()}
        portalClientTtlSeconds={env().ANAPLAN_DEVICE_CLIENT_TTL_SECONDS}
        submitLabel="Create identity"
        chooseKind
      />
    </main>
  );
}
