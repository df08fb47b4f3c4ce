// The platforms whose job tokens a policy can trust, and the claims each names. A claim's name is what an admin
// writes in a condition; its path is where the value sits in the token (Kubernetes nests its own under
// "kubernetes.io"). `audit` are the claims recorded with every exchange: which job took the token.
export const PRESETS = {
  github: {
    label: "GitHub Actions",
    issuer: "https://token.actions.githubusercontent.com",
    claims: {
      sub: ["sub"],
      repository: ["repository"],
      repository_owner: ["repository_owner"],
      ref: ["ref"],
      environment: ["environment"],
      job_workflow_ref: ["job_workflow_ref"],
      workflow_ref: ["workflow_ref"],
      event_name: ["event_name"],
    },
    audit: ["repository", "ref", "workflow_ref", "run_id", "run_attempt", "actor"],
  },
  gitlab: {
    label: "GitLab CI",
    issuer: "https://gitlab.com",
    claims: {
      sub: ["sub"],
      project_path: ["project_path"],
      namespace_path: ["namespace_path"],
      ref: ["ref"],
      ref_type: ["ref_type"],
      ref_protected: ["ref_protected"],
      environment: ["environment"],
      pipeline_source: ["pipeline_source"],
    },
    audit: ["project_path", "ref", "pipeline_id", "job_id", "user_login"],
  },
  kubernetes: {
    label: "Kubernetes",
    issuer: "",
    claims: {
      sub: ["sub"],
      namespace: ["kubernetes.io", "namespace"],
      serviceaccount: ["kubernetes.io", "serviceaccount", "name"],
    },
    audit: ["kubernetes.io.namespace", "kubernetes.io.serviceaccount.name", "kubernetes.io.pod.name"],
  },
  oidc: { label: "Other OIDC issuer", issuer: "", claims: { sub: ["sub"] }, audit: ["sub"] },
} as const satisfies Record<
  string,
  { label: string; issuer: string; claims: Record<string, readonly string[]>; audit: readonly string[] }
>;

export type Preset = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as Preset[];

/** Where `claim` sits for `preset`; a generic issuer's claims are top-level by name. */
export function claimPath(preset: Preset, claim: string): readonly string[] | undefined {
  const known = (PRESETS[preset].claims as Record<string, readonly string[]>)[claim];
  if (known) return known;
  return preset === "oidc" ? [claim] : undefined;
}

/** The value at a dotted or listed path, as text, when it is a string, number or boolean. */
export function claimValue(claims: Record<string, unknown>, path: readonly string[]): string | undefined {
  let value: unknown = claims;
  for (const step of path) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined;
}

/** What the audit records of a workload: the preset's claims that are present (dotted names for nested ones). */
export function auditedClaims(preset: Preset, claims: Record<string, unknown>) {
  const out: Record<string, string> = {};
  for (const name of ["iss", "sub", ...PRESETS[preset].audit]) {
    const value = claimValue(
      claims,
      name.startsWith("kubernetes.io.") ? ["kubernetes.io", ...name.slice(14).split(".")] : [name],
    );
    if (value !== undefined) out[name] = value.slice(0, 300);
  }
  return out;
}
