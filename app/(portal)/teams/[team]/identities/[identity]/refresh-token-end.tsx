import { ExpiryWarning } from "@/components/expiry-warning";
import { When } from "@/components/when";
import type { IdentityView } from "@/lib/identities/view";
import { expiryWarning } from "@/lib/identities/warnings";

type Expiry = IdentityView["refreshTokenExpiry"];

/** What is known of the client's refresh-token lifetime: learned from Anaplan, or assumed until then. */
export function lifetimeText(identity: Pick<IdentityView, "refreshLifetime" | "lifetimeLearned" | "rotatable">) {
  if (!identity.rotatable) return "Non-Rotatable: one long-lived refresh token";
  if (!identity.lifetimeLearned) {
    return "Not known yet: assumed absolute until Anaplan shows which (learned from this client's own refreshes)";
  }
  return identity.refreshLifetime === "absolute"
    ? "Absolute (learned from Anaplan): counts from the enrolment; refreshing cannot extend it"
    : "Sliding (learned from Anaplan): each refresh starts a new TTL, and the keep-alive refreshes at half of it";
}

/**
 * When the chain ends. Only an absolute end learned from Anaplan is a deadline with a warning; an assumed one is
 * said calmly, since the keep-alive may well be renewing it.
 */
export function RefreshTokenEnd({ expiry }: { expiry: Expiry }) {
  if (!expiry) return <>—</>;
  const estimated = expiry.estimated ? " (estimated)" : "";
  if (!expiry.learned) {
    return (
      <span>
        Renewed by the keep-alive; if this client's chains are absolute, re-enrol before <When at={expiry.at} exact />
        {estimated}
      </span>
    );
  }
  if (expiry.lifetime === "sliding") {
    return (
      <span>
        <When at={expiry.at} exact /> unless refreshed first{estimated}
      </span>
    );
  }
  return (
    <span>
      Re-enrol before <When at={expiry.at} exact />
      {estimated}
      <ExpiryWarning warning={expiryWarning(expiry.at)} />
    </span>
  );
}
