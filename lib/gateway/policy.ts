// A key's gateway policy: what its calls may touch. Every list that is set narrows; an empty one leaves that
// dimension open. A call is judged from its method and path alone (lib/gateway/shape.ts), before Anaplan is
// called, and a refusal names its rule.
import { z } from "zod";
import type { CallShape } from "./shape";

const workspaceId = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{32}$/, "A workspace id is 32 hexadecimal characters.")
  .transform((v) => v.toLowerCase());
const modelId = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{32}$/, "A model id is 32 hexadecimal characters.")
  .transform((v) => v.toUpperCase());
const objectId = z
  .string()
  .trim()
  .regex(/^\d{12}$/, "An import, export, process, action or file id is 12 digits, e.g. 116000000001.");

/** As stored in `api_keys.policy` and as the editor submits it. */
export const accessPolicy = z.object({
  workspaces: z.array(workspaceId).max(100).default([]),
  models: z.array(modelId).max(200).default([]),
  readOnly: z.boolean().default(false),
  /** Imports, exports, processes, actions and files by id; an export's id also names the file it writes. */
  objects: z.array(objectId).max(200).default([]),
});
export type AccessPolicy = z.infer<typeof accessPolicy>;

export const POLICY_RULES = {
  read_only: "read-only: GET and HEAD only",
  workspace: "only the chosen workspaces",
  model: "only the chosen models",
  object: "only the chosen imports, exports, processes, actions and files",
} as const;
export type PolicyRule = keyof typeof POLICY_RULES;

export type Refusal = { rule: PolicyRule; message: string };

const READS = new Set(["GET", "HEAD"]);

/** Matches no workspace, model or object that exists: what an unreadable stored policy becomes. */
const NOTHING: AccessPolicy = {
  workspaces: [],
  models: ["00000000000000000000000000000000"],
  readOnly: true,
  objects: ["000000000000"],
};

/** A stored policy (jsonb) read back; anything unreadable narrows to the directory reads rather than open up. */
export function storedPolicy(value: unknown): AccessPolicy | null {
  if (value === null || value === undefined) return null;
  const parsed = accessPolicy.safeParse(value);
  return parsed.success ? parsed.data : NOTHING;
}

/** Why `policy` refuses `method` on `shape`, or null when it allows it. */
export function refusalOf(policy: AccessPolicy, method: string, shape: CallShape): Refusal | null {
  if (policy.readOnly && !READS.has(method)) {
    return { rule: "read_only", message: `This key is read-only: ${method} is refused (GET and HEAD only).` };
  }
  // Reading the account's directory (its profile, which workspaces and models it sees) is allowed to every key, so
  // clients can turn names into ids. Otherwise a chosen workspace allows its models, and a chosen model is allowed
  // wherever the path names it.
  const directory = shape.directory && READS.has(method);
  if ((policy.workspaces.length > 0 || policy.models.length > 0) && !directory) {
    const inWorkspace = shape.workspaceId !== null && policy.workspaces.includes(shape.workspaceId);
    const inModel = shape.modelId !== null && policy.models.includes(shape.modelId);
    if (!inWorkspace && !inModel) return scopeRefusal(policy, shape);
  }
  if (policy.objects.length > 0 && shape.modelId !== null) {
    const allowed = shape.objectId ? policy.objects.includes(shape.objectId) : shape.listing && READS.has(method);
    if (!allowed) {
      return {
        rule: "object",
        message: shape.objectId
          ? `This key may not use ${shape.objectKind} ${shape.objectId}; it may use ${policy.objects.join(", ")}.`
          : `This key may only read the model's lists and use ${policy.objects.join(", ")}.`,
      };
    }
  }
  return null;
}

function scopeRefusal(policy: AccessPolicy, shape: CallShape): Refusal {
  if (policy.models.length > 0 && (shape.modelId !== null || policy.workspaces.length === 0)) {
    return {
      rule: "model",
      message: shape.modelId
        ? `This key may not use model ${shape.modelId}.`
        : "This key may use only its chosen models, and this call names none of them.",
    };
  }
  return {
    rule: "workspace",
    message: shape.workspaceId
      ? `This key may not use workspace ${shape.workspaceId}.`
      : "This key may use only its chosen workspaces, and this call names none of them.",
  };
}

/** The policy in a sentence, for the key list and the audit trail. */
export function describePolicy(policy: AccessPolicy): string {
  const parts = [
    policy.workspaces.length > 0 && `workspaces ${policy.workspaces.join(", ")}`,
    policy.models.length > 0 && `models ${policy.models.join(", ")}`,
    policy.objects.length > 0 && `objects ${policy.objects.join(", ")}`,
    policy.readOnly && "read-only",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join("; ") : "gateway only (no other limit)";
}
