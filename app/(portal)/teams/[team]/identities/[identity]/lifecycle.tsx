import { ActionButton } from "@/components/action-button";
import { ConfirmAction } from "@/components/confirm-action";
import type { listApiKeys } from "@/lib/broker/keys";
import type { getIdentity } from "@/lib/identities/manage";
import { deleteIdentityAction, revokeIdentityAction, setIdentityActiveAction } from "../actions";
import { Section } from "./section";

type Identity = Awaited<ReturnType<typeof getIdentity>>["identity"];

/** Deactivate or reactivate, revoke for good, delete: each behind a confirmation that says what it does. */
export function Lifecycle({
  slug,
  identity,
  keys,
}: {
  slug: string;
  identity: Identity;
  keys: Awaited<ReturnType<typeof listApiKeys>>;
}) {
  const paused = identity.state === "deactivated";
  const holdsToken = identity.grant !== null && identity.grant.status !== "revoked";
  const deletable = (identity.state === "not_enrolled" || identity.state === "revoked") && !holdsToken;
  return (
    <Section title="Pause, revoke or delete" id="lifecycle">
      <p className="text-sm text-slate-600">None of these touch anybody's Anaplan password or any other identity.</p>
      <div className="flex flex-col gap-4">
        {paused ? (
          <ActionButton
            action={setIdentityActiveAction.bind(null, slug, identity.id, true)}
            label="Reactivate"
            pendingLabel="Reactivating…"
            tone="secondary"
          />
        ) : identity.state !== "revoked" ? (
          <ConfirmAction
            action={setIdentityActiveAction.bind(null, slug, identity.id, false)}
            label="Deactivate…"
            confirmLabel="Deactivate"
            pendingLabel="Deactivating…"
          >
            <strong>Deactivate (a reversible pause).</strong> From now on every API key of this identity is refused. The
            sealed token is kept and kept alive, so Reactivate restores service at once.
          </ConfirmAction>
        ) : null}
        {/* Kept mounted once revoked, so the report of what was done stays visible after the page refreshes; the
            button itself is offered only while there is a token or a key to revoke. */}
        {holdsToken || keys.some((k) => k.state === "live") || identity.state === "revoked" ? (
          <ConfirmAction
            action={revokeIdentityAction.bind(null, slug, identity.id)}
            offered={holdsToken || keys.some((k) => k.state === "live")}
            label="Revoke tokens…"
            confirmLabel="Revoke tokens for good"
            pendingLabel="Revoking…"
          >
            {identity.kind === "certificate" ? (
              <>
                <strong>Revoke (final).</strong> The sealed access token and the private key are destroyed in the
                portal's database, every API key of this identity is revoked and the current token is logged out at
                Anaplan. A new key and certificate bring the identity back. A tenant admin should also remove the
                certificate in Administration → Security → Certificates.
              </>
            ) : (
              <>
                <strong>Revoke tokens (final).</strong> The sealed refresh and access tokens are destroyed in the
                portal's database, every API key of this identity is revoked, the current access token is logged out at
                Anaplan, and the refresh token is revoked at Anaplan where a revocation endpoint is configured. A new
                enrolment brings the identity back. An Anaplan tenant admin can also end its tokens in Administration →
                Security → OAuth Clients.
              </>
            )}
          </ConfirmAction>
        ) : null}
        {deletable ? (
          <ConfirmAction
            action={deleteIdentityAction.bind(null, slug, identity.id)}
            label="Delete identity…"
            confirmLabel="Delete identity"
            pendingLabel="Deleting…"
          >
            <strong>Delete “{identity.name}”.</strong> The identity and its API keys are removed; its audit history
            stays.
          </ConfirmAction>
        ) : null}
      </div>
    </Section>
  );
}
