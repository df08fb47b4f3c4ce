import type { Metadata } from "next";
import { BackLink, PageTitle } from "@/components/ui";
import { identityFormValues } from "@/lib/identities/form-values";
import { getIdentity } from "@/lib/identities/manage";
import { regionChoices } from "@/lib/identities/regions";
import { env } from "@/lib/platform/env";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf, requireTeam } from "@/lib/teams/access";
import { updateIdentityAction } from "../../actions";
import { IdentityForm } from "../../identity-form";

export const metadata: Metadata = { title: "Edit identity" };

type Props = { params: Promise<{ team: string; identity: string }> };

export default async function EditIdentityPage({ params }: Props) {
  const { team: slug, identity: id } = await params;
  const session = await requireUser();
  await orNotFound(requireTeam(actorOf(session), slug, "identity.edit"));
  const { identity } = await orNotFound(getIdentity(actorOf(session), slug, id));
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-12">
      <div>
        <BackLink href={`/teams/${slug}/identities/${identity.id}`}>{identity.name}</BackLink>
        <PageTitle>Edit “{identity.name}”</PageTitle>
      </div>
      <IdentityForm
        action={updateIdentityAction.bind(null, slug, identity.id)}
        regions={regionChoices()}
        initial={identityFormValues(identity)}
        portalClientTtlSeconds={env().ANAPLAN_DEVICE_CLIENT_TTL_SECONDS}
        submitLabel="Save changes"
      />
    </main>
  );
}
