import type { Metadata } from "next";
import QRCode from "qrcode";
import { BackLink, Eyebrow, PageTitle } from "@/components/ui";
import { brokerSnippets } from "@/lib/broker/snippets";
import { getEnrolmentView } from "@/lib/enrolments/view";
import { portalUrl } from "@/lib/platform/env";
import { requireUser } from "@/lib/server/auth/dal";
import { orNotFound } from "@/lib/server/pages";
import { actorOf } from "@/lib/teams/access";
import { resolveMismatchAction, startEnrolmentAction } from "../../identities/actions";
import { EnrolmentLive } from "./enrolment-live";

export const metadata: Metadata = { title: "Enrol identity" };

type Props = { params: Promise<{ team: string; enrolment: string }> };

export default async function EnrolmentPage({ params }: Props) {
  const { team, enrolment } = await params;
  const session = await requireUser();
  const view = await orNotFound(getEnrolmentView(actorOf(session), team, enrolment));
  const qrSvg = view.verificationUriComplete
    ? await QRCode.toString(view.verificationUriComplete, { type: "svg", margin: 1, errorCorrectionLevel: "M" })
    : null;
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-12">
      <div>
        <BackLink href={`/teams/${team}/identities/${view.identity.id}`}>{view.identity.name}</BackLink>
        <Eyebrow>Device authorization</Eyebrow>
        <PageTitle>Enrol “{view.identity.name}”</PageTitle>
        <p className="mt-2 text-slate-600">
          Approving lets the portal act as <strong>{view.identity.expectedEmail ?? "the approving account"}</strong> in
          Anaplan for the scripts of this identity.
        </p>
      </div>
      <EnrolmentLive
        initial={view}
        qrSvg={qrSvg}
        snippets={brokerSnippets({
          portalUrl: portalUrl(),
          apiUrl: view.identity.apiUrl,
          identityName: view.identity.name,
        })}
        retry={startEnrolmentAction.bind(null, team, view.identity.id)}
        keep={resolveMismatchAction.bind(null, team, view.id, true)}
        discard={resolveMismatchAction.bind(null, team, view.id, false)}
      />
    </main>
  );
}
