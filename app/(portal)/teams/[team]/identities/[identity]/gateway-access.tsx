import Link from "next/link";
import { describePolicy, storedPolicy } from "@/lib/gateway/policy";

/** A key's or trusted workload's access: unrestricted (Anaplan tokens), or gateway only with its limits in a line. */
export function GatewayAccess(props: { policy: unknown; name: string; limitsHref: string | null }) {
  const policy = storedPolicy(props.policy);
  return (
    <>
      {policy ? (
        <span className="block break-words">
          <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-semibold text-brand-900">
            gateway only
          </span>{" "}
          <span className="text-xs">{describePolicy(policy)}</span>
        </span>
      ) : (
        <span>Unrestricted</span>
      )}
      {props.limitsHref ? (
        <Link href={props.limitsHref} className="block text-xs font-semibold text-brand-700 hover:underline">
          {policy ? "Change limits…" : "Restrict…"}
          <span className="sr-only"> of {props.name}</span>
        </Link>
      ) : null}
    </>
  );
}
