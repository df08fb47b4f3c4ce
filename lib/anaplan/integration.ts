// What the gateway's policy editor offers to choose from, read from Anaplan's Integration API with the identity's
// own token: the models it can see (with their workspaces), and one model's imports, exports, processes, actions
// and files. Names are for people to choose by; the policy keeps only ids.
import { z } from "zod";
import { request } from "./http";
import { displayText } from "./schema";
import { type AnaplanEndpoints, endpoint } from "./urls";

const id = z.string().regex(/^[0-9A-Za-z]{1,64}$/);
const named = z.object({ id, name: displayText.catch("(unnamed)") });
const modelsResponse = z.object({
  models: z
    .array(
      named.extend({
        currentWorkspaceId: id,
        currentWorkspaceName: displayText.nullish().catch(undefined),
      }),
    )
    .max(5000)
    .default([]),
});

export type AnaplanModel = { id: string; name: string; workspaceId: string; workspaceName: string };

/** `GET {apiUrl}/2/0/models`: every model the token's account can see, each with its workspace. */
export async function listModels(ep: Pick<AnaplanEndpoints, "apiUrl">, accessToken: string): Promise<AnaplanModel[]> {
  const { body } = await request(
    { method: "GET", url: endpoint(ep.apiUrl, "/2/0/models?modelDetails=true"), accessToken },
    modelsResponse,
  );
  return body.models.map((m) => ({
    id: m.id,
    name: m.name,
    workspaceId: m.currentWorkspaceId,
    workspaceName: m.currentWorkspaceName ?? m.currentWorkspaceId,
  }));
}

export const MODEL_OBJECT_KINDS = ["exports", "imports", "processes", "actions", "files"] as const;
export type ModelObjectKind = (typeof MODEL_OBJECT_KINDS)[number];
export type ModelObjects = Record<ModelObjectKind, { id: string; name: string }[]>;

/** One model's runnable objects and files, each list `GET …/workspaces/{w}/models/{m}/{kind}`. */
export async function listModelObjects(
  ep: Pick<AnaplanEndpoints, "apiUrl">,
  accessToken: string,
  model: { id: string; workspaceId: string },
): Promise<ModelObjects> {
  const lists = await Promise.all(
    MODEL_OBJECT_KINDS.map(async (kind) => {
      const path = `/2/0/workspaces/${model.workspaceId}/models/${model.id}/${kind}`;
      const schema = z.object({ [kind]: z.array(named).max(5000).default([]) });
      const { body } = await request({ method: "GET", url: endpoint(ep.apiUrl, path), accessToken }, schema);
      return [kind, (body[kind] ?? []) as { id: string; name: string }[]] as const;
    }),
  );
  return Object.fromEntries(lists) as ModelObjects;
}
