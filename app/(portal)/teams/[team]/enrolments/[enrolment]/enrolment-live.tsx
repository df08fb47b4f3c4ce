"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { ActionButton } from "@/components/action-button";
import { CopyButton } from "@/components/copy-button";
import { Snippets } from "@/components/snippets";
import { ButtonLink, Card } from "@/components/ui";
import type { Snippet } from "@/lib/broker/snippets";
import type { EnrolmentView } from "@/lib/enrolments/view";
import type { ActionState } from "@/lib/server/actions";
import { MismatchPanel } from "./mismatch-panel";

type Action = (previous: ActionState) => Promise<ActionState>;

const POLL_MS = 2000;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

function useLiveEnrolment(initial: EnrolmentView) {
  const [live, setLive] = useState({ view: initial, stalled: false });
  useEffect(() => {
    if (live.view.status !== "pending") return;
    const timer = setTimeout(async () => {
      const response = await fetch(`/api/teams/${live.view.teamSlug}/enrolments/${live.view.id}`, {
        cache: "no-store",
      }).catch(() => null);
      // A failed check (the portal restarting, its database failing over) keeps the view, says so, and tries again.
      setLive(
        response?.ok
          ? { view: (await response.json()) as EnrolmentView, stalled: false }
          : { view: live.view, stalled: true },
      );
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [live]);
  return live;
}

function useSecondsLeft(expiresAt: string) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Math.round((new Date(expiresAt).getTime() - now) / 1000));
}

export function EnrolmentLive(props: {
  initial: EnrolmentView;
  qrSvg: string | null;
  snippets: Snippet[];
  retry: Action;
  keep: Action;
  discard: Action;
}) {
  const { view, stalled } = useLiveEnrolment(props.initial);
  const identityHref = `/teams/${view.teamSlug}/identities/${view.identity.id}`;
  if (view.status === "pending") return <Pending view={view} qrSvg={props.qrSvg} stalled={stalled} />;
  if (view.status === "approved") {
    return (
      <div className="flex flex-col gap-6">
        <section role="status" className="rounded-lg bg-emerald-50 p-6 ring-1 ring-emerald-300">
          <h2 className="text-lg font-semibold text-emerald-900">Enrolled: the identity is active</h2>
          <p className="mt-1 text-sm text-emerald-900">
            Approved by <strong>{view.approvedByEmail ?? "an unidentified account"}</strong>. Its refresh token is
            sealed in the vault; scripts never see it.
          </p>
          <Link href={identityHref} className="mt-4 inline-block text-sm font-semibold text-brand-700 underline">
            Back to {view.identity.name}
          </Link>
        </section>
        <Card className="flex flex-col gap-3">
          <h2 className="text-lg font-semibold text-slate-900">Next: give a script a key</h2>
          <p className="text-sm text-slate-600">
            Create an API key on the identity's page, put it in the script's environment as ANAPLAN_PORTAL_KEY, and ask
            the portal for a token whenever the script needs one.
          </p>
          <ButtonLink href={`${identityHref}#api-keys`} className="self-start">
            Create an API key
          </ButtonLink>
          <Snippets snippets={props.snippets} />
        </Card>
      </div>
    );
  }
  if (view.status === "mismatch") {
    return (
      <MismatchPanel message={view.message} keep={props.keep} discard={props.discard} identityHref={identityHref} />
    );
  }
  return (
    <section role="alert" className="rounded-lg bg-red-50 p-6 ring-1 ring-red-200">
      <h2 className="text-lg font-semibold text-red-900">
        {view.status === "denied" ? "Denied" : view.status === "expired" ? "Expired" : "Not enrolled"}
      </h2>
      <p className="mt-1 text-sm text-red-900">{view.message ?? "The enrolment ended without a token."}</p>
      {view.status === "denied" || view.status === "expired" ? (
        <div className="mt-3 text-sm text-red-900">
          <p className="font-medium">The usual causes:</p>
          <ul className="mt-1 list-disc space-y-1 pl-5">
            <li>
              The approving account signs in with SSO. Anaplan refuses the device grant to SSO users: approve with an
              exception user that has a password.
            </li>
            <li>
              The code was approved in a browser already signed in to Anaplan as someone else. Open the link in a
              private window and sign in as the service account.
            </li>
            <li>The service account's password expired (Anaplan expires them every 90 days by default).</li>
          </ul>
        </div>
      ) : null}
      <div className="mt-4">
        <ActionButton action={props.retry} label="Try again" pendingLabel="Requesting a new code…" />
      </div>
    </section>
  );
}

function Pending({ view, qrSvg, stalled }: { view: EnrolmentView; qrSvg: string | null; stalled: boolean }) {
  const secondsLeft = useSecondsLeft(view.expiresAt);
  const link = view.verificationUriComplete ?? view.verificationUri;
  return (
    <Card aria-labelledby="pending-title">
      <h2 id="pending-title" className="text-lg font-semibold text-slate-900">
        Waiting for approval at Anaplan
      </h2>
      {view.userCode ? (
        <>
          <p className="mt-4 text-sm text-slate-600">Code to confirm at Anaplan</p>
          <div className="mt-1 flex flex-wrap items-center gap-4">
            <output
              aria-label="User code"
              className="whitespace-nowrap font-mono text-3xl font-bold tracking-widest text-brand-900 sm:text-5xl"
            >
              {view.userCode}
            </output>
            <CopyButton value={view.userCode} label="Copy code" />
          </div>
          <ol className="mt-6 list-decimal space-y-2 pl-5 text-sm text-slate-700">
            <li>Open the link below in a private (incognito) window, not in the window you are signed in with.</li>
            <li>
              Sign in as the <strong>service account</strong>
              {view.identity.expectedEmail ? ` (${view.identity.expectedEmail})` : ""}, not as yourself.
            </li>
            <li>Check that Anaplan shows the same code, then approve.</li>
          </ol>
          <p className="mt-2 text-xs text-slate-500">Never approve a code someone sent you by email or chat.</p>
          <VerificationLink link={link} qrSvg={qrSvg} />
        </>
      ) : (
        <p className="mt-2 text-sm text-slate-600">Another admin started this enrolment; only they see its code.</p>
      )}
      <Countdown view={view} secondsLeft={secondsLeft} stalled={stalled} />
    </Card>
  );
}

function VerificationLink({ link, qrSvg }: { link: string | null | undefined; qrSvg: string | null }) {
  return (
    <>
      <div className="mt-4 flex flex-wrap items-start gap-6">
        {link ? (
          <a
            href={link}
            target="_blank"
            rel="noopener noreferrer"
            className="break-all text-sm font-semibold text-brand-700 underline"
          >
            {link}
          </a>
        ) : null}
        {qrSvg ? (
          // biome-ignore lint/performance/noImgElement: a generated data: image, nothing for next/image to optimise
          <img
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrSvg)}`}
            alt="QR code of the verification link"
            className="size-40"
          />
        ) : null}
      </div>
      {link && LOOPBACK.test(new URL(link).hostname) ? (
        <p className="mt-3 text-xs text-amber-900">
          This link (and its QR code) works on this computer only. To approve from a phone, start the portal with
          SIMULATOR_HOST set to this computer's network address.
        </p>
      ) : null}
    </>
  );
}

/** Time left to approve, as a bar and in words; screen readers hear it once a minute, not every second. */
function Countdown({ view, secondsLeft, stalled }: { view: EnrolmentView; secondsLeft: number; stalled: boolean }) {
  const minutes = Math.floor(secondsLeft / 60);
  return (
    <div className="mt-6">
      <div
        role="progressbar"
        aria-label="Time left to approve"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round((secondsLeft / 900) * 100)}
        className="h-1.5 w-full overflow-hidden rounded bg-slate-100"
      >
        <div
          className="h-full bg-brand-600 transition-all"
          style={{ width: `${Math.min(100, (secondsLeft / 900) * 100)}%` }}
        />
      </div>
      <p aria-hidden="true" className="mt-2 text-sm text-slate-600">
        Expires in {minutes}:{String(secondsLeft % 60).padStart(2, "0")} · checking every {view.intervalSeconds} s ·{" "}
        {view.polls} checks so far
      </p>
      {stalled ? (
        <p role="status" className="mt-2 text-sm font-medium text-amber-900">
          The portal cannot check right now (it may be restarting); still trying. An approval given meanwhile is not
          lost.
        </p>
      ) : null}
      {/* Screen readers hear the time left once a minute, not every second. */}
      <p aria-live="polite" className="sr-only">
        {secondsLeft > 0
          ? `The code expires in about ${minutes + 1} minute${minutes ? "s" : ""}.`
          : "The code expired."}
      </p>
    </div>
  );
}
