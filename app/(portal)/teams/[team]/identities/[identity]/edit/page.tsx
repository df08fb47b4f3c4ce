import type { Metadata } from "next";
import { PageTitle } from "@/components/ui";
import { requireUser } from "@/lib/auth/dal";
import { getIdentity } from "@/lib/identities/manage";
import { regionChoices, regionOf } from "@/lib/identities/regions";
import { orNotFound } from "@/lib/pages";
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
    <main className="mx-auto flex max-w-2xl flex-col gap-6 px-6 py-12">
      <PageTitle>Edit “{identity.name}”</PageTitle>
      <IdentityForm
        action={updateIdentityAction.bind(null, slug, identity.id)}
        regions={regionChoices()}
        initial={{
          name: identity.name,
          description: identity.description,
          expectedEmail: identity.expectedEmail ?? "",
          deviceClientId: identity.deviceClientId,
          region: regionOf(identity.oauthUrl),
          rotatable: identity.rotatable ? "on" : "",
          refreshTokenTtlSeconds: identity.refreshTokenTtlSeconds ? String(identity.refreshTokenTtlSeconds) : "",
        }}
        submitLabel="Save changes"
      />
    </main>
  );
}
